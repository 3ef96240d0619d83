-- ConfWatch version 8: sharding in SQL (DESIGN §4.4a, issue 15). Every tenant falls in one of 16384 slots,
-- confwatch.tenant_slot(id): the low 14 bits of the first 32 bits of md5(id::text). A sharded worker computes once,
-- in Java, which slots its shard owns (rendezvous hashing of slot over shards: io.confwatch.config.SlotOwnership)
-- and reads, sweeps and reloads with `confwatch.tenant_slot(t.id) = any($n)`, which the index below answers: a pod
-- owning shard 0 of 4 reads about a quarter of the rows instead of all of them.
--
-- The slot function is part of the contract between releases: the worker's Java twin (io.confwatch.config.TenantSlot)
-- must compute the same slot for every id, and pods of two releases must agree. Never change it; TenantSlotTest pins
-- both on golden values and checks they agree on random ids, on every PostgreSQL major of the matrix. It uses only
-- md5, text and bit casts: immutable, and stable across PostgreSQL majors (unlike the internal hash functions).
--
-- Requires V1-V5 (and V3's role confwatch_owner). Flyway runs this file as db/migration/V8__tenant_slots.sql. To
-- apply it by hand, in one transaction, then re-apply sql/roles.sql:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V8__tenant_slots.sql
--
-- Re-running it is harmless.
--
-- What it costs on a live database: the index is built inside this transaction (CREATE INDEX, a SHARE lock on
-- confwatch.tenants). Reads go on; writes that touch the tenants table (every configuration write bumps its tenant's
-- row) wait for the build: measured 1.7-2.7 s per million tenants (PostgreSQL 17, 2 shared cores). The lock is
-- taken with a 10 s lock_timeout, so a busy table makes the migration give up rather than queue every writer behind
-- it. Where that pause is too long, build the index beforehand without blocking writers, outside a transaction
-- (docs/operations.md, "Sharding in SQL"), with exactly the definition below:
--
--     create index concurrently if not exists tenants_slot_idx on confwatch.tenants
--         ((('x' operator(pg_catalog.||) pg_catalog.substr(pg_catalog.md5(id::pg_catalog.text), 1, 8))
--             ::pg_catalog."bit"(32)::pg_catalog.int4 operator(pg_catalog.&) 16383), id);
--
-- and this migration then finds it and only adds the function. A concurrent build that failed leaves an invalid
-- index of that name behind: this migration drops it and builds it again.
--
-- Why an expression index and no stored column: adding a stored generated column rewrites the whole table under an
-- ACCESS EXCLUSIVE lock (no reads either), and a plain column filled by trigger needs a backfill that would bump
-- every tenant. The index depends on id alone, so version bumps stay HOT updates. It spells the expression out
-- instead of calling confwatch.tenant_slot(): every role that inserts tenants would otherwise need EXECUTE on the
-- function to maintain the index. The function, a plain SQL function, is inlined into the worker's queries, where
-- the planner matches it to the index (TenantSlotTest checks that the index is used).

set local lock_timeout = '10s';

-- The slot of a tenant: 0-16383. Compute-only (V3's STYLE): invoker's rights and no SET clause, every name
-- qualified; `language sql` on purpose, unlike V3's advice for functions with a SET clause: an immutable SQL
-- function without one is inlined, which is what lets a query's tenant_slot(id) use the index.
create or replace function confwatch.tenant_slot(tenant uuid) returns integer
    language sql
    immutable
    strict
    parallel safe
as $$
    select ('x' operator(pg_catalog.||) pg_catalog.substr(pg_catalog.md5(tenant::pg_catalog.text), 1, 8))
        ::pg_catalog."bit"(32)::pg_catalog.int4 operator(pg_catalog.&) 16383
$$;

alter function confwatch.tenant_slot(uuid) owner to confwatch_owner;
revoke all on function confwatch.tenant_slot(uuid) from public;

do $$
begin
    -- The worker calls it in its queries; until roles.sql is re-applied, a sharded worker would fail without this.
    if exists (select from pg_catalog.pg_roles where rolname = 'confwatch_worker') then
        grant execute on function confwatch.tenant_slot(uuid) to confwatch_worker;
    end if;
    -- Left behind by a concurrent build that failed: useless, and it would keep `if not exists` from building.
    if exists (select
                 from pg_catalog.pg_index i
                where i.indexrelid = pg_catalog.to_regclass('confwatch.tenants_slot_idx')
                  and not i.indisvalid) then
        drop index confwatch.tenants_slot_idx;
    end if;
end
$$;

create index if not exists tenants_slot_idx on confwatch.tenants
    ((('x' operator(pg_catalog.||) pg_catalog.substr(pg_catalog.md5(id::pg_catalog.text), 1, 8))
        ::pg_catalog."bit"(32)::pg_catalog.int4 operator(pg_catalog.&) 16383), id);

-- No ANALYZE here: on a freshly created, still empty table it records "0 rows", which outlives the first bulk
-- insert until autovacuum analyzes again and misleads the start-up's page query (FullReloadLaneTest). The
-- expression's statistics come with the next (auto)analyze; until then `= any($n)` is costed by default estimates.
