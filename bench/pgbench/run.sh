#!/usr/bin/env bash
# Writer-cost benchmark of the change-tracking triggers; see README.md. Bounded: each run lasts
# DURATION seconds (default 20) and only a local server is accepted.
set -euo pipefail
cd "$(dirname "$0")"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55432} PGUSER=${PGUSER:-postgres}
duration=${DURATION:-20}
variants=${VARIANTS:-baseline notify_only tracking tracking_no_notify row_after}
clients=${CLIENTS:-1 16}
rounds=${ROUNDS:-5}
# on (default): durable commits. off: prices the triggers' CPU work alone, without waiting for fsync.
sync_commit=${SYNC_COMMIT:-on}
case "$PGHOST" in
    127.0.0.1 | localhost | /*) ;;
    *) echo "refusing to benchmark a non-local server: $PGHOST" >&2; exit 2 ;;
esac

sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# CPU used by server processes that have exited (the postmaster reaps every backend), in clock
# ticks: it moves less than TPS when other programs compete for this machine's disk and cores.
postmaster=$(sql -d postgres -Atc "select split_part(pg_read_file('postmaster.pid'), E'\\n', 1)")
server_cpu_ticks() { awk '{ print $16 + $17 }' "/proc/$postmaster/stat"; }
work=$(mktemp -d)
trap 'touch "$work/stop"; wait; rm -rf "$work"' EXIT

# pgbench writes as a login in confwatch_writer, as a writer tool would (the variant files and the checks run as
# $PGUSER). Two templates: every migration in sql/ with roles.sql (the variants), and V1 + V2 as released
# with V2's writer grants (the v2_* variants: the "before" of V3's trust boundary).
writer=confwatch_bench_writer
sql -d postgres -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'confwatch_writer') then
        create role confwatch_writer nologin; end if;
    if not exists (select from pg_roles where rolname = '$writer') then
        create role $writer login in role confwatch_writer; end if; end \$\$"
migrations=$(ls ../../sql/V*__*.sql | sort -V)
for template in confwatch_bench_template confwatch_bench_template_v2; do
    sql -d postgres -c "drop database if exists $template" -c "create database $template"
    if [ "$template" = confwatch_bench_template ]; then
        files="$migrations ../../sql/roles.sql"
    else
        files="../../sql/V1__schema.sql ../../sql/V2__change_tracking.sql roles_v2.sql"
    fi
    for f in $files; do
        sql -d "$template" -1 -f "$f"
    done
    sql -d "$template" -f seed.sql
done

echo "server: $(sql -d postgres -Atc "select version()")"
echo "fsync=$(sql -d postgres -Atc 'show fsync') synchronous_commit=$sync_commit duration=${duration}s rounds=$rounds"
printf '%-20s %7s %10s %12s %14s %10s %6s\n' variant clients tps latency_ms notifications cpu_us/tx round
for round in $(seq "$rounds"); do
# A fresh order each round, so a slow spell of this machine does not always hit the same variant.
for variant in $(shuf -e $variants); do
    template=confwatch_bench_template
    # v2_X: variant X on the triggers as released before V3.
    file=variant_${variant#v2_}.sql
    if [[ $variant == v2_* ]] || grep -qs '^-- template: v2' "$file"; then
        template=confwatch_bench_template_v2
    fi
    sql -d postgres -c 'drop database if exists confwatch_bench' \
        -c "create database confwatch_bench template $template"
    if [ -f "$file" ]; then
        sql -d confwatch_bench -f "$file"
    fi
    for c in $clients; do
        sql -d confwatch_bench -c checkpoint
        cpu_before=$(server_cpu_ticks)
        # One consuming listener, as a worker pod would hold, polled every 200 ms.
        rm -f "$work/stop"
        { echo 'listen confwatch_changes;'
          while [ ! -e "$work/stop" ]; do echo 'select 1;'; sleep 0.2; done
        } | psql -X -q -d confwatch_bench 2>&1 | { grep -c 'Asynchronous notification' || true; } >"$work/count" &
        out=$(PGOPTIONS="-c synchronous_commit=$sync_commit" pgbench -U "$writer" -n -M prepared -c "$c" -j "$(( c > 1 ? 2 : 1 ))" -T "$duration" -f update_monitor.sql confwatch_bench)
        sleep 1
        touch "$work/stop"
        wait
        sleep 0.5
        tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
        lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
        txs=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
        cpu_us=$(( ($(server_cpu_ticks) - cpu_before) * 1000000 / $(getconf CLK_TCK) / txs ))
        printf '%-20s %7s %10.0f %12s %14s %10s %6s\n' "$variant" "$c" "$tps" "$lat" "$(cat "$work/count")" "$cpu_us" \
            "$round" \
            | tee -a "$work/results"
    done
    if [ "$variant" != baseline ] && [ "$variant" != notify_only ] && [ "$variant" != v2_baseline ]; then
        echo "  check: $(sql -d confwatch_bench -Atc "select 'bumps after seeding=' || sum(config_version - 2) from confwatch.tenants"), $(sql -d confwatch_bench -Atc "select 'change rows=' || count(*) from confwatch.config_changes where entity = 'monitor' and op = 'UPDATE'")"
    fi
done
done

echo
echo "medians over $rounds round(s), and ratios to baseline (TPS: higher is better; server CPU per transaction: lower):"
printf '%-20s %7s %10s %8s %13s %10s %8s\n' variant clients tps ratio tps_min-max cpu_us/tx ratio
awk '
    { key = $1 " " $2; n[key]++; tps[key, n[key]] = $3; cpu[key, n[key]] = $6 }
    function median(a, k, c,    i, j, t, v) {
        for (i = 1; i <= c; i++) v[i] = a[k, i]
        for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }
    END {
        for (k in n) { mt[k] = median(tps, k, n[k]); mc[k] = median(cpu, k, n[k]) }
        for (k in n) {
            lo = hi = tps[k, 1]
            for (i = 2; i <= n[k]; i++) { if (tps[k, i] < lo) lo = tps[k, i]; if (tps[k, i] > hi) hi = tps[k, i] }
            split(k, p, " "); b = "baseline " p[2]
            printf "%-20s %7s %10.0f %7.2fx %13s %10.0f %7.2fx\n", p[1], p[2], mt[k], mt[k] / mt[b], lo "-" hi, mc[k], mc[k] / mc[b]
        }
    }' "$work/results" | sort -k2,2n -k3,3nr
# A variant X run beside v2_X: X against the same triggers as released before V3, round by round (both ran in
# the same round, in random order, so a slow spell of the machine hits both about equally).
awk '
    { tps[$1, $2, $7] = $3; cpu[$1, $2, $7] = $6; seen[$1 " " $2] = 1; rounds[$7] = 1 }
    END {
        header = 0
        for (k in seen) {
            split(k, p, " ")
            if (p[1] ~ /^v2_/ || !((("v2_" p[1]) " " p[2]) in seen)) continue
            if (!header++) printf "\n%-20s %7s %s\n", "after/before", "clients", "TPS ratio per round (after = X, before = v2_X), then server CPU/tx ratio"
            line = ""; cline = ""
            for (r in rounds) if (((p[1], p[2], r) in tps) && (("v2_" p[1], p[2], r) in tps)) {
                line = line sprintf(" %.3f", tps[p[1], p[2], r] / tps["v2_" p[1], p[2], r])
                cline = cline sprintf(" %.3f", cpu[p[1], p[2], r] / cpu["v2_" p[1], p[2], r])
            }
            printf "%-20s %7s tps:%s | cpu:%s\n", p[1], p[2], line, cline
        }
    }' "$work/results"
sql -d postgres -c 'drop database confwatch_bench' -c 'drop database confwatch_bench_template' \
    -c 'drop database confwatch_bench_template_v2'
