# Sourced by the bench scripts: a throw-away PostgreSQL on 127.0.0.1 (as nobody when run as root) and the
# seeding of TENANTS × ENTITIES configuration rows. Needs PostgreSQL server binaries (Debian: postgresql) and psql.

pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi; }

# throwaway_work NAME: sets $work to a fresh directory the server's user can enter and, on exit, stops the process
# whose pid the script put in $server (if any), then the PostgreSQL in $work, and removes $work.
throwaway_work() {
    work=$(mktemp -d "/tmp/confwatch-$1-XXXXXX")
    chmod 755 "$work"
    trap 'if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; fi
          stop_postgres "$work"; rm -rf "$work"' EXIT
}

# start_postgres WORK_DIR PORT [server options…]: initdb and start; exports PG* for psql and the worker.
start_postgres() {
    local work=$1 port=$2
    shift 2
    mkdir "$work/data"
    if [ "$(id -u)" = 0 ]; then chown 65534:65534 "$work/data"; fi
    as_pg "$pgbin/initdb" -D "$work/data" -U postgres -A trust --no-sync >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$work/data" -l "$work/data/log" -w \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= $*" start >/dev/null
    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=confwatch
    psql -X -q -d postgres -c 'create database confwatch'
}

# stop_postgres WORK_DIR: fast shutdown; never fails.
stop_postgres() {
    as_pg "$pgbin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}

# seed_config TENANTS ENTITIES: per tenant half monitors, a quarter filters, a quarter triggers; no notifications.
seed_config() {
    local tenants=$1 entities=$2
    local m=$(( entities / 2 )) f=$(( entities / 4 ))
    local t=$(( entities - m - f ))
    psql -X -q -v ON_ERROR_STOP=1 <<SQL
set confwatch.notify = off;
insert into confwatch.tenants (id, name) select gen_random_uuid(), 'tenant-' || g from generate_series(1, $tenants) g;
insert into confwatch.monitors (tenant_id, name, definition)
  select t.id, 'monitor-' || g, jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'),
         'addresses', jsonb_build_array('0x' || md5(t.id::text || g)), 'match', jsonb_build_object('minValue', g))
    from confwatch.tenants t, generate_series(1, $m) g;
insert into confwatch.filters (tenant_id, name, definition)
  select t.id, 'filter-' || g, jsonb_build_object('expression', 'value > ' || g)
    from confwatch.tenants t, generate_series(1, $f) g;
insert into confwatch.triggers (tenant_id, name, definition)
  select t.id, 'trigger-' || g, jsonb_build_object('type', 'webhook', 'url', 'https://hooks.example.com/' || g)
    from confwatch.tenants t, generate_series(1, $t) g;
vacuum analyze;
SQL
}
