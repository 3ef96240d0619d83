#!/usr/bin/env bash
# The writer cost of the migrations in sql/ as CPU instructions per transaction, counted by valgrind's callgrind
# in a single-user backend: unlike TPS or CPU time, an instruction count does not move with the machine's load,
# so "before" and "after" can be compared on a shared machine. The workload is pairs.sh's (single-row monitor
# updates as a writer role, prepared, synchronous_commit off, over seed.sql); each side runs WARMUP statements,
# then WARMUP + TRANSACTIONS, and the difference divided by TRANSACTIONS is what one transaction costs (start-up,
# catalog caches and the first plans cancel out). Single-user mode: no client, no network; the session is the
# postgres superuser with `set role` to the writer, so permissions are the writer's. Needs valgrind and takes a
# few minutes. Run it as a non-root user that may run PostgreSQL (e.g. `su postgres -c ...`): it initdb's a
# throw-away cluster in a temporary directory and removes it. See README.md.
set -euo pipefail
cd "$(dirname "$0")"

pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
transactions=${TRANSACTIONS:-1000}
warmup=${WARMUP:-200}
# As in pairs.sh: which migrations each side gets, V1..V<n>; 2 = V1 + V2 with V2's writer grants (roles_v2.sql).
before_upto=${BEFORE:-2}
after_upto=${AFTER:-$(ls ../../sql/V*__*.sql | sed 's/.*\/V\([0-9]*\)__.*/\1/' | sort -n | tail -1)}

if [ "$(id -u)" = 0 ]; then
    echo "PostgreSQL does not run as root: run this as another user, e.g. su postgres -c $0" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }

dir=$(mktemp -d)
trap '"$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$pgbin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log"
"$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-c listen_addresses= -k $dir -p 5432" start >/dev/null
export PGHOST=$dir PGPORT=5432 PGUSER=postgres
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

writer=confwatch_bench_writer
sql -d postgres -c "create role confwatch_writer nologin" -c "create role $writer login in role confwatch_writer"
for side in before after; do
    if [ "$side" = after ]; then upto=$after_upto; else upto=$before_upto; fi
    if [ "$upto" = 2 ]; then
        files="../../sql/V1__schema.sql ../../sql/V2__change_tracking.sql roles_v2.sql"
    else
        files="$(ls ../../sql/V*__*.sql | sort -V | awk -F'/V|__' -v n="$upto" '$(NF-1) <= n') ../../sql/roles.sql"
    fi
    sql -d postgres -c "create database $side"
    for f in $files; do sql -d "$side" -1 -f "$f"; done
    sql -d "$side" -f seed.sql
done
"$pgbin/pg_ctl" -D "$dir/data" -w stop >/dev/null

script() { # N -> the statements of a run of N transactions, the same ids on both sides
    echo "set role $writer"
    echo "prepare u(int) as update confwatch.monitors set definition = jsonb_build_object('networks',"\
        "jsonb_build_array('ethereum_mainnet'), 'rev', \$1) where id = ('00000000-0000-4000-8000-' ||"\
        "lpad(to_hex(\$1), 12, '0'))::uuid"
    awk -v n="$1" 'BEGIN { srand(42); for (i = 0; i < n; i++) printf "execute u(%d)\n", 1 + int(rand() * 10000) }'
}
instructions() { # DB N -> instructions of a single-user backend running N transactions
    script "$2" >"$dir/script.sql"
    valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" "$pgbin/postgres" --single -D "$dir/data" \
        -c synchronous_commit=off -c autovacuum=off "$1" <"$dir/script.sql" >"$dir/run.log" 2>&1
    if grep -q ERROR "$dir/run.log"; then
        grep -m 3 ERROR "$dir/run.log" >&2
        exit 1
    fi
    sed -n 's/^summary: //p' "$dir/callgrind.out"
}

echo "server: $("$pgbin/postgres" --version)"
echo "before: V1-V$before_upto, after: V1-V$after_upto; $transactions transactions after $warmup, callgrind"
declare -A per_tx
for side in before after; do
    short=$(instructions "$side" "$warmup")
    long=$(instructions "$side" $((warmup + transactions)))
    per_tx[$side]=$(((long - short) / transactions))
    printf '%-7s %10d instructions per transaction\n' "$side" "${per_tx[$side]}"
done
printf 'after/before: %.3f\n' "$(bc -l <<<"${per_tx[after]} / ${per_tx[before]}")"
