#!/usr/bin/env bash
# Time of one 10,000-row monitor insert for one tenant, with the change-tracking triggers and
# without them (median of RUNS, default 5); see README.md.
set -euo pipefail
cd "$(dirname "$0")"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55432} PGUSER=${PGUSER:-postgres}
runs=${RUNS:-5}
case "$PGHOST" in
    127.0.0.1 | localhost | /*) ;;
    *) echo "refusing to benchmark a non-local server: $PGHOST" >&2; exit 2 ;;
esac
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# confwatch_bulk: every migration in sql/; confwatch_bulk_v2: V1 + V2 as released, the triggers before V3's
# trust boundary (mode v2_triggers).
for db in confwatch_bulk confwatch_bulk_v2; do
    sql -d postgres -c "drop database if exists $db" -c "create database $db"
    if [ "$db" = confwatch_bulk ]; then files=$(ls ../../sql/V*__*.sql | sort -V); else
        files="../../sql/V1__schema.sql ../../sql/V2__change_tracking.sql"; fi
    for f in $files; do sql -d "$db" -1 -f "$f"; done
done

insert="insert into confwatch.monitors (tenant_id, name, definition)
        select :'tenant', 'monitor ' || i,
               jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'), 'addresses', jsonb_build_array('0x' || md5(i::text)))
          from generate_series(1, 10000) i"
# Runs interleaved, in a fresh order each time, so a slow spell of a shared machine hits every mode alike.
for run in $(seq "$runs"); do
    for mode in $(shuf -e triggers v2_triggers no_triggers); do
        db=confwatch_bulk
        if [ "$mode" = v2_triggers ]; then db=confwatch_bulk_v2; fi
        tenant=$(sql -d "$db" -Atc "insert into confwatch.tenants (id, name) values (gen_random_uuid(), 'bulk') returning id")
        if [ "$mode" = no_triggers ]; then
            toggle='alter table confwatch.monitors disable trigger user;'
        else
            toggle=''
        fi
        ms=$(sql -d "$db" -v tenant="$tenant" <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
begin;
$toggle
\timing on
$insert;
\timing off
commit;
SQL
)
        echo "$mode $ms"
    done
done | sort -k1,1 -k2,2n | awk '{ v[$1, ++n[$1]] = $2 } END {
    for (m in n) printf "%-12s median %.0f ms over %d runs (10,000 rows)\n", m, v[m, int((n[m] + 1) / 2)], n[m] }'
sql -d confwatch_bulk -Atc "select 'check: versions ' || string_agg(config_version::text, ',') from confwatch.tenants"
sql -d postgres -c 'drop database confwatch_bulk' -c 'drop database confwatch_bulk_v2'
