-- ConfWatch version 7: a sweep whose cost follows change. A worker remembers the horizon of the snapshot its last
-- sweep read under (pg_snapshot_xmin(pg_current_snapshot())) and next reads only the tenants bumped by a transaction
-- at or above it, and the tenants deleted by one; every transaction that snapshot did not see has an id at or above
-- its xmin, whatever order it commits in (docs/invariants.md, "the sweep cursor").
--
-- Requires V1–V4 (tenants.version_xid is set by V2's/V3's tenants_bump to the bumping transaction; the tombstones are
-- V4's). Flyway runs this file as db/migration/V7__sweep_cursor.sql. To apply it by hand, in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V7__sweep_cursor.sql
--
-- then re-apply sql/roles.sql (it grants the worker SELECT on the tombstones; this file does too when the role
-- exists). Re-running it is harmless.
--
-- What it adds:
--   * tenant_tombstones.deleted_xid: the transaction that last deleted the tenant id (V4's tombstone had only the
--     version). Tombstones written before this migration keep it null: those deletes are older than any worker's
--     horizon, and a worker's first sweep after start compares every tenant anyway;
--   * confwatch.tenants_tombstone() replaced (same clauses as V4's) to set it;
--   * two btree indexes (xid8 has btree operators since PostgreSQL 13), so a sweep reads rows in proportion to what
--     changed. The one on tenants makes a version bump a non-HOT update (one more index entry per bump).
--
-- Writes that bypass the triggers (session_replication_role = replica, ALTER TABLE ... DISABLE TRIGGER, rows copied
-- in by logical replication, whose version_xid is another server's) set neither column: the periodic full comparison
-- (CONFWATCH_SWEEP_FULL_INTERVAL) and the full reload find them, as before V7 the full reload did.

set local lock_timeout = '10s';

alter table confwatch.tenant_tombstones add column if not exists deleted_xid xid8;

comment on column confwatch.tenant_tombstones.deleted_xid is
    'The transaction that last deleted this tenant id (null for deletes before V7): a sweep finds deletes by it.';

create index if not exists tenants_version_xid_idx on confwatch.tenants (version_xid);
create index if not exists tenant_tombstones_deleted_xid_idx on confwatch.tenant_tombstones (deleted_xid);

-- Replaces V4's: the same tombstone, now with the deleting transaction. pg_current_xact_id() is the top-level
-- transaction's id, inside savepoints too (as tenants_bump records it).
create or replace function confwatch.tenants_tombstone() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    insert into confwatch.tenant_tombstones as t (tenant_id, last_version, deleted_xid)
    values (old.id, confwatch.version_at_delete(old), pg_catalog.pg_current_xact_id())
    on conflict (tenant_id) do update
        set last_version = greatest(t.last_version, excluded.last_version),
            deleted_xid = excluded.deleted_xid;
    return null;
end
$$;

revoke execute on function confwatch.tenants_tombstone() from public;

-- The worker's sweep reads the tombstones. roles.sql grants it too; granting here keeps a worker that runs as
-- confwatch_worker sweeping when an operator migrates and forgets to re-apply roles.sql.
do $$
begin
    if exists (select from pg_catalog.pg_roles where rolname = 'confwatch_worker') then
        grant select on confwatch.tenant_tombstones to confwatch_worker;
    end if;
end
$$;
