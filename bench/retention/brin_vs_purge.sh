#!/usr/bin/env bash
# Why config_changes has no changed_at index: simulates HOURS hourly retention cycles (default 240,
# i.e. 10 days) of ROWS change rows per hour (default 2000) with a 7-day retention, then prices the
# next purge (a) as "delete where changed_at < cutoff" through a BRIN index on changed_at and
# (b) as confwatch.purge_changes(), which walks the primary key. See README.md.
set -euo pipefail
cd "$(dirname "$0")"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55432} PGUSER=${PGUSER:-postgres}
hours=${HOURS:-240}
rows=${ROWS:-2000}
case "$PGHOST" in
    127.0.0.1 | localhost | /*) ;;
    *) echo "refusing to run against a non-local server: $PGHOST" >&2; exit 2 ;;
esac
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Hour h of the simulation is (hours - h) hours ago, so purge_changes' now() is the real one.
write_hour() {
    echo "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_at, changed_by)
          select gen_random_uuid(), 'monitor', gen_random_uuid(), 'UPDATE', 1,
                 now() - interval '1 hour' * ($hours - $1) + interval '1 hour' * i / $rows, 'sim'
            from generate_series(1, $rows) i;"
}
cutoff() { echo "now() - interval '7 days' - interval '1 hour' * ($hours - $1)"; }

for variant in brin purge_changes; do
    db=confwatch_retention_$variant
    sql -d postgres -c "drop database if exists $db" -c "create database $db"
    sql -d "$db" -f ../../sql/V1__schema.sql
    sql -d "$db" -f ../../sql/V2__change_tracking.sql
    if [ "$variant" = brin ]; then
        sql -d "$db" -c 'create index config_changes_changed_at_brin on confwatch.config_changes using brin (changed_at)'
    fi
    for h in $(seq 0 $((hours - 1))); do
        if [ "$variant" = brin ]; then
            purge="delete from confwatch.config_changes where changed_at < $(cutoff "$h");"
        else
            purge="select confwatch.purge_changes(interval '7 days' + interval '1 hour' * ($hours - $h));"
        fi
        { write_hour "$h"; echo "$purge"; echo 'vacuum confwatch.config_changes;'; } | sql -d "$db" >/dev/null
    done
    write_hour "$hours" | sql -d "$db"
    sql -d "$db" -c 'vacuum analyze confwatch.config_changes'
    echo "== $variant: $(sql -d "$db" -Atc "select count(*) || ' rows, ' || pg_size_pretty(pg_relation_size('confwatch.config_changes')) from confwatch.config_changes")"
    if [ "$variant" = brin ]; then
        sql -d "$db" -c "begin" -c "explain (analyze, buffers, costs off, timing off, summary on)
            delete from confwatch.config_changes where changed_at < $(cutoff "$hours")" -c "rollback" \
            | grep -E '^ +->  Bitmap Heap Scan|Heap Blocks|Removed by Index Recheck|Execution Time'
    else
        sql -d "$db" -c "load 'auto_explain'" -c "set auto_explain.log_min_duration = 0" \
            -c "set auto_explain.log_nested_statements = on" -c "set auto_explain.log_analyze = on" \
            -c "set auto_explain.log_buffers = on" -c "set auto_explain.log_timing = off" \
            -c "set client_min_messages = log" -c "begin" \
            -c "select confwatch.purge_changes(interval '7 days')" -c "rollback" 2>&1 \
            | grep -E '^LOG:  duration|^  Buffers|^Query Text|Index Scan|Rows Removed' | grep -v 'select confwatch.purge_changes'
    fi
    sql -d postgres -c "drop database $db"
done
