#!/usr/bin/env bash
# HTTP throughput of GET /tenants/{id} with wrk on loopback, against the target of the performance issue
# (≥ 20,000 req/s, p99 ≤ 5 ms), beside wrk against /livez: what the HTTP stack alone does on this machine.
# Needs: target/confwatch.jar (mvn -B package -DskipTests), PostgreSQL server binaries (Debian: postgresql), psql,
# curl and wrk (Debian: wrk; installed here with apt-get when missing and running as root). Runs its own throw-away
# PostgreSQL on 127.0.0.1 and `confwatch serve` on it; bounded in time (about a minute with the defaults).
#
# Settings (environment): TENANTS (1000) × ENTITIES (20) seeded; WRK_THREADS (2), WRK_CONNECTIONS (32),
# WRK_DURATION (20s) per measured run, WARM_UP (5s) of tenant reads first, not reported; JAVA_OPTS for the server's
# JVM (e.g. -XX:StartFlightRecording=filename=/tmp/http.jfr,settings=profile); HTTP_PORT (18081), PGPORT_BENCH (56544).
set -euo pipefail
cd "$(dirname "$0")/../.."

tenants=${TENANTS:-1000}
entities=${ENTITIES:-20}
threads=${WRK_THREADS:-2}
connections=${WRK_CONNECTIONS:-32}
duration=${WRK_DURATION:-20s}
warm_up=${WARM_UP:-5s}
port=${PGPORT_BENCH:-56544}
http=${HTTP_PORT:-18081}
target_rps=20000
target_p99_ms=5

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "wrk is missing: apt-get install -y wrk"
        apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
    else
        echo "wrk is missing: install it (Debian/Ubuntu: sudo apt-get install wrk) and run again" >&2
        exit 1
    fi
fi
[ -f target/confwatch.jar ] || { echo "target/confwatch.jar is missing: mvn -B package -DskipTests" >&2; exit 1; }

. bench/lib/throwaway-postgres.sh

throwaway_work http

start_postgres "$work" "$port" -c max_connections=100
java -jar target/confwatch.jar migrate >/dev/null
seed_config "$tenants" "$entities"
psql -X -Atc "select id from confwatch.tenants" >"$work/tenant-ids"
echo "seeded $(wc -l <"$work/tenant-ids") tenants × $entities entities"

# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options.
CONFWATCH_HTTP_PORT=$http CONFWATCH_HTTP_HOST=127.0.0.1 java ${JAVA_OPTS:-} -jar target/confwatch.jar serve \
    >"$work/server.log" 2>&1 &
server=$!
deadline=$(( $(date +%s) + 120 ))
until curl -sf "http://127.0.0.1:$http/readyz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not ready within 120 s" >&2; tail -20 "$work/server.log"; exit 1; }
    sleep 0.1
done
sample=$(head -1 "$work/tenant-ids")
bytes=$(curl -sf "http://127.0.0.1:$http/tenants/$sample" | wc -c)
echo "server ready; one tenant's body is $bytes bytes (served in full: wrk sends no If-None-Match)"

export TENANT_IDS=$work/tenant-ids
script=bench/http/random-tenant.lua
url=http://127.0.0.1:$http/

# run NAME DURATION [wrk script args…]: one wrk run; keeps its output in $work/wrk-NAME.txt
run() {
    local name=$1 length=$2
    shift 2
    wrk -t"$threads" -c"$connections" -d"$length" --latency -s "$script" "$url" -- "$@" >"$work/wrk-$name.txt"
}

# figures FILE: "req/s p99_ms errors", p99 converted from wrk's unit (us, ms, s) to milliseconds
figures() {
    awk '
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" {
            v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
            p99 = unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : unit == "m" ? v * 60000 : v
        }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        END { printf "%.0f %.2f %d\n", rps, p99, errors }
    ' "$1"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; wrk -t$threads -c$connections -d$duration"
run warm-up "$warm_up"
run livez "$duration" livez
run tenants "$duration"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

for name in livez tenants; do
    echo "--- wrk $([ "$name" = livez ] && echo /livez || echo '/tenants/{random id}'):"
    sed -n '/Thread Stats/,$p' "$work/wrk-$name.txt"
done

read -r base_rps base_p99 base_errors < <(figures "$work/wrk-livez.txt")
read -r rps p99 errors < <(figures "$work/wrk-tenants.txt")
verdict() { if [ "$1" = 1 ] && [ "$errors" = 0 ]; then echo PASS; else echo MISS; fi; }
rps_met=$(awk -v a="$rps" -v t="$target_rps" 'BEGIN { print (a >= t) ? 1 : 0 }')
p99_met=$(awk -v a="$p99" -v t="$target_p99_ms" 'BEGIN { print (a <= t) ? 1 : 0 }')
ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { printf "%.2f×", (b > 0) ? a / b : 0 }')

echo
echo "| figure | GET /tenants/{id} | GET /livez (baseline, same run) | ratio | target | verdict |"
echo "|---|---|---|---|---|---|"
echo "| req/s | $rps | $base_rps | $ratio | ≥ $target_rps | $(verdict "$rps_met") |"
echo "| p99 | $p99 ms | $base_p99 ms | — | ≤ $target_p99_ms ms | $(verdict "$p99_met") |"
echo "| errors (non-2xx, socket) | $errors | $base_errors | — | 0 | $([ "$errors" = 0 ] && echo PASS || echo MISS) |"
echo
echo "caveat: wrk ($threads threads), the server and PostgreSQL share the machine's $(nproc) CPUs; /livez shows what the"
echo "HTTP stack and wrk reach together here, the ceiling for any route of this server on this machine."
