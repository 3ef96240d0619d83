#!/usr/bin/env bash
# The writer cost of the migrations in sql/ against V1 + V2 as released (before V3's trust boundary), in
# short alternating bursts: on a shared machine the load changes by the second, so each "after" burst is
# compared with the "before" burst next to it. One client, single-row monitor updates as a writer login,
# server CPU per transaction (read as run.sh does) and TPS; prints each pair's ratios and their median.
# See README.md.
set -euo pipefail
cd "$(dirname "$0")"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55432} PGUSER=${PGUSER:-postgres}
pairs=${PAIRS:-10}
transactions=${TRANSACTIONS:-4000}
sync_commit=${SYNC_COMMIT:-off}
# Which migrations each side gets: V1..V<n>. 2 means V1 + V2 as released with V2's writer grants (roles_v2.sql);
# any higher number adds sql/roles.sql. "after" defaults to every migration in sql/.
before_upto=${BEFORE:-2}
after_upto=${AFTER:-$(ls ../../sql/V*__*.sql | sed 's/.*\/V\([0-9]*\)__.*/\1/' | sort -n | tail -1)}
case "$PGHOST" in
    127.0.0.1 | localhost | /*) ;;
    *) echo "refusing to benchmark a non-local server: $PGHOST" >&2; exit 2 ;;
esac

sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
postmaster=$(sql -d postgres -Atc "select split_part(pg_read_file('postmaster.pid'), E'\\n', 1)")
server_cpu_ticks() { awk '{ print $16 + $17 }' "/proc/$postmaster/stat"; }

writer=confwatch_bench_writer
sql -d postgres -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'confwatch_writer') then
        create role confwatch_writer nologin; end if;
    if not exists (select from pg_roles where rolname = '$writer') then
        create role $writer login in role confwatch_writer; end if; end \$\$"
for db in confwatch_pairs_after confwatch_pairs_before; do
    sql -d postgres -c "drop database if exists $db" -c "create database $db"
    if [ "$db" = confwatch_pairs_after ]; then
        upto=$after_upto
    else
        upto=$before_upto
    fi
    if [ "$upto" = 2 ]; then
        files="../../sql/V1__schema.sql ../../sql/V2__change_tracking.sql roles_v2.sql"
    else
        files="$(ls ../../sql/V*__*.sql | sort -V | awk -F'/V|__' -v n="$upto" '$(NF-1) <= n') ../../sql/roles.sql"
    fi
    for f in $files; do sql -d "$db" -1 -f "$f"; done
    sql -d "$db" -f seed.sql
done

burst() { # DB -> "tps cpu_us_per_tx"
    local before out tps
    before=$(server_cpu_ticks)
    out=$(PGOPTIONS="-c synchronous_commit=$sync_commit" pgbench -U "$writer" -n -M prepared -c 1 \
        -t "$transactions" -f update_monitor.sql "$1")
    sleep 0.3 # the backend exits and is reaped
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
    echo "$tps $(( ($(server_cpu_ticks) - before) * 1000000 / $(getconf CLK_TCK) / transactions ))"
}

echo "server: $(sql -d postgres -Atc "select version()")"
echo "before: V1-V$before_upto, after: V1-V$after_upto"
echo "synchronous_commit=$sync_commit, $transactions transactions per burst, $pairs pairs, 1 client"
burst confwatch_pairs_after >/dev/null # warm both
burst confwatch_pairs_before >/dev/null
printf '%5s %10s %10s %10s %10s %10s %10s\n' pair tps_after tps_before ratio cpu_after cpu_before ratio
for pair in $(seq "$pairs"); do
    for db in $(shuf -e confwatch_pairs_after confwatch_pairs_before); do
        read -r "tps_${db#confwatch_pairs_}" "cpu_${db#confwatch_pairs_}" <<<"$(burst "$db")"
    done
    printf '%5s %10.0f %10.0f %10.3f %10s %10s %10.3f\n' "$pair" "$tps_after" "$tps_before" \
        "$(bc -l <<<"$tps_after / $tps_before")" "$cpu_after" "$cpu_before" "$(bc -l <<<"$cpu_after / $cpu_before")"
done | tee "${TMPDIR:-/tmp}/confwatch-pairs.$$"
awk '{ t[NR] = $4; c[NR] = $7 }
    function median(a, n,    i, j, x) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "median after/before: TPS %.3f (%.3f-%.3f), server CPU per transaction %.3f (%.3f-%.3f)\n",
        median(t, NR), t[1], t[NR], median(c, NR), c[1], c[NR] }' "${TMPDIR:-/tmp}/confwatch-pairs.$$"
rm -f "${TMPDIR:-/tmp}/confwatch-pairs.$$"
sql -d confwatch_pairs_after -Atc "select 'check: bumps after seeding=' || sum(config_version - 2) from confwatch.tenants"
sql -d postgres -c 'drop database confwatch_pairs_after' -c 'drop database confwatch_pairs_before'
