#!/usr/bin/env bash
# Database cost of the worker's periodic reads, for the capacity guidance in docs/operations.md:
#   sweep  the versioned sweep, `select id, config_version from confwatch.tenants` (every pod, every
#          sweep interval; it reads every tenant's row whatever the pod's shard);
#   page   one page of the initial load (500 tenants whole, as SnapshotLoader reads them).
# Needs PostgreSQL server binaries (Debian: postgresql), psql and pgbench. Runs its own throw-away
# server on 127.0.0.1 (as nobody when run as root) and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

tenants=${TENANTS:-10000}
entities=${ENTITIES:-8}           # per tenant: half monitors, a quarter filters, a quarter triggers
seconds=${SECONDS_PER_RUN:-15}
port=${PGPORT_BENCH:-56544}
. bench/lib/throwaway-postgres.sh

throwaway_work capacity

start_postgres "$work" "$port" -c shared_buffers=256MB
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -v ON_ERROR_STOP=1 -1 -f sql/V1__schema.sql
psql -X -q -v ON_ERROR_STOP=1 -1 -f sql/V2__change_tracking.sql
seed_config "$tenants" "$entities"

cat > "$work/sweep.sql" <<'SQL'
select id, config_version from confwatch.tenants;
SQL
# The initial load's statement (SnapshotLoader.LOAD_PAGE) for the first page of 500 tenants.
cat > "$work/page.sql" <<'SQL'
with page as (select id from confwatch.tenants where id > '00000000-0000-0000-0000-000000000000' order by id limit 500)
select 0, t.id, t.id, t.name, t.status, null::text, t.config_version, t.changed_at, null::uuid
  from confwatch.tenants t where t.id in (select id from page)
union all
select 1, m.id, m.tenant_id, m.name, m.updated_by, m.definition::text, null::bigint, m.updated_at, null::uuid
  from confwatch.monitors m where m.tenant_id in (select id from page) and m.is_active
union all
select 2, f.id, f.tenant_id, f.name, f.updated_by, f.definition::text, null, f.updated_at, f.monitor_id
  from confwatch.filters f where f.tenant_id in (select id from page) and f.is_active
union all
select 3, t.id, t.tenant_id, t.name, t.updated_by, t.definition::text, null, t.updated_at, null
  from confwatch.triggers t where t.tenant_id in (select id from page) and t.is_active;
SQL

echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), $tenants tenants, $entities entities each, $(nproc) CPUs"
psql -X -At -c "select 'tenants table: ' || pg_size_pretty(pg_total_relation_size('confwatch.tenants'))"
echo "sweep result, text: $(psql -X -At -c 'copy (select id, config_version from confwatch.tenants) to stdout' | wc -c) bytes"
echo "page result, text:  $(psql -X -At -f "$work/page.sql" | wc -c) bytes"
for script in sweep page; do
    for clients in 1 2; do
        "$pgbin/pgbench" -n -M prepared -c "$clients" -j "$clients" -T "$seconds" -f "$work/$script.sql" 2>/dev/null \
            | awk -v s="$script" -v c="$clients" '/latency average/ {lat=$4} /^tps/ {tps=$3}
                  END {printf "%-5s clients=%d  latency avg %s ms  %s queries/s\n", s, c, lat, tps}'
    done
done
psql -X -c "explain (analyze, buffers, timing off, summary on) select id, config_version from confwatch.tenants" \
    | grep -E 'Seq Scan|Buffers|Execution Time'
