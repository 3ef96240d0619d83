#!/usr/bin/env bash
# Live-cache measurements on this machine: time to ready for TENANTS × ENTITIES, and propagation
# (tenants.changed_at → installed in the worker) p50/p99 from the worker's own histogram.
# Needs: target/confwatch.jar (mvn -B verify), PostgreSQL server binaries (Debian: postgresql),
# psql and curl. Runs its own throw-away server on 127.0.0.1 as nobody; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."

tenants=${TENANTS:-1000}
entities=${ENTITIES:-20}          # per tenant: half monitors, a quarter filters, a quarter triggers
changes=${CHANGES:-300}
port=${PGPORT_BENCH:-56543}
http=${HTTP_PORT:-18080}
. bench/lib/throwaway-postgres.sh

throwaway_work live

start_postgres "$work" "$port" -c max_connections=100
java -jar target/confwatch.jar migrate
seed_config "$tenants" "$entities"
echo "seeded $tenants tenants × $entities entities"

start=$(date +%s%N)
CONFWATCH_HTTP_PORT=$http CONFWATCH_HTTP_HOST=127.0.0.1 java -jar target/confwatch.jar serve >"$work/worker.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$http/readyz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat "$work/worker.log"; exit 1; }
    sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "process start → /readyz 200: ${ready_ms} ms ($(grep -o 'Initial load: .*' "$work/worker.log"))"

ids=($(psql -X -Atc "select id from confwatch.monitors order by random() limit $changes"))
for id in "${ids[@]}"; do
    psql -X -q -c "update confwatch.monitors set definition = jsonb_set(definition, '{match,minValue}', to_jsonb(floor(random()*1e6)::int)) where id = '$id'"
    sleep 0.05
done
sleep 1
curl -sf "http://127.0.0.1:$http/metrics" | python3 -c '
import sys, re
buckets = []
for line in sys.stdin:
    m = re.match(r"confwatch_propagation_seconds_bucket\{le=\"([^\"]+)\"\} ([0-9.e+]+)", line)
    if m: buckets.append((float("inf") if m.group(1) == "+Inf" else float(m.group(1)), float(m.group(2))))
buckets.sort()
total = buckets[-1][1]
def q(p):
    for le, c in buckets:
        if c >= p * total: return le * 1000
print(f"propagation over {int(total)} changes: p50 <= {q(0.5):.2f} ms, p99 <= {q(0.99):.2f} ms (histogram bucket bounds)")
'
