-- ConfWatch version 9: the sweep cursor reads the change log, so version bumps stay HOT (issue 15, writer cost).
--
-- V7 found "tenants bumped at or above a horizon" through an index on tenants.version_xid. A version bump changes
-- version_xid, so with that index every bump was a non-HOT update: it also inserted into the primary key and into
-- V8's expression index tenants_slot_idx (an md5 per bump). Measured 1.104x the instructions of V1+V2 per single-row
-- monitor update (bench/pgbench/instructions.sh), against a budget of 5 % (docs/benchmarks.md, "Writer cost").
-- Instead, every change row now carries the writing transaction's id, and the cursor reads
--
--     tenants where id in (select tenant_id from config_changes where xid >= <horizon>)
--
-- through an index on config_changes(xid), an insert-only table whose rows every write inserts anyway; tenants keeps
-- no index on a column a bump changes. Deletes are still found by V7's tombstones (deleted_xid, written only when a
-- tenant is deleted). docs/invariants.md, "the sweep cursor", has the argument and the tests.
--
-- Requires V1-V8. Flyway runs this file as db/migration/V9__change_log_cursor.sql. To apply it by hand, in one
-- transaction, then re-apply sql/roles.sql:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V9__change_log_cursor.sql
--
-- Re-running it is harmless. What it costs on a live database: adding the column and its default is a catalog change
-- (no rewrite: the column is added without a default first, because a volatile default would rewrite the table; both
-- take an ACCESS EXCLUSIVE lock on config_changes for a moment, with a 10 s lock_timeout). Building the index reads
-- the whole change log under that lock, so writers wait for it. Where that pause is too long, run these three
-- statements beforehand, outside a transaction, without blocking writers (docs/operations.md, "The sweep cursor"):
--
--     alter table confwatch.config_changes add column if not exists xid xid8;
--     alter table confwatch.config_changes alter column xid set default pg_catalog.pg_current_xact_id();
--     create index concurrently if not exists config_changes_xid_idx on confwatch.config_changes (xid);
--
-- and this migration then finds them. A concurrent build that failed leaves an invalid index of that name behind: this
-- migration drops it and builds it again.
--
-- Writer cost (bench/pgbench/instructions.sh, one single-row monitor update per transaction, PostgreSQL 15): V1-V8
-- 1.104x the instructions of V1+V2; V1-V9 1.001x. The index on config_changes(xid) costs about 14,000 instructions per
-- write (one more btree entry, appended at the right end); re-spelling V1's two check constraints on the log saves more
-- than that (below). docs/benchmarks.md, "Writer cost".
--
-- What it adds and changes:
--   * config_changes.xid (xid8, default pg_current_xact_id(): the top-level transaction, inside savepoints too) and a
--     btree index on it (not partial: a partial index's predicate is set up again in every writing statement, about
--     3,000 instructions). Rows written before V9 keep null: see the floor below. entities_log() (replaced, V6's
--     clauses) names its own transaction id, which it holds anyway, and is otherwise V6's; tenants_log() and
--     tenants_bump() leave it to the default. Writers may not insert, update or delete change rows (V3, roles.sql),
--     and the column's default is the table owner's to change: no writer can set, forge or clear it;
--   * tenants_version_xid_idx (V7) dropped. tenants.version_xid stays: it is how the triggers bump once per
--     transaction (tenants_bump, entities_log), how version_at_delete knows whether a delete is a change of its own,
--     and a worker of the previous release (V7/V8 statements) still sweeps correctly through it, only without an
--     index;
--   * config_changes_purged, one row: the highest transaction id whose change rows may be missing from the log
--     (through_xid). A cursor read from a horizon at or below it is refused and the sweep compares every tenant
--     instead. This migration sets it to its own id (rows written before it have no xid); purge_changes raises it to
--     the newest id it deleted, in the same transaction as the delete. So retention, whoever runs it and with any
--     age, can never make a cursor read miss a change: a change a sweep did not see either has its row, or the sweep
--     is told it may not and compares everything (docs/invariants.md);
--   * tenants_bump() replaced (V6's clauses): a writer's tenant UPDATE that bumps without changing name or status
--     (update confwatch.tenants set name = name, the documented "reload this tenant whole") now logs one change row
--     with op 'TOUCH', so the cursor finds it. Before V9 such a version had no change row at all. A delta load counts
--     a tenant row whose op is not 'UPDATE' as "the tenant row was replaced" and reads the tenant whole, as it did
--     for a version without rows (the worker of V8 too): the touch keeps its meaning;
--   * the op check accepts 'TOUCH', and merge_op() keeps a TOUCH when the same transaction renames the tenant
--     afterwards. The op and entity checks are re-spelled as `= any (<array constant>)` (the same sets; see there);
--   * purge_changes() replaced (V3's clauses) to raise the floor.
--
-- Writes that bypass the triggers (session_replication_role = replica, ALTER TABLE ... DISABLE TRIGGER, a superuser
-- setting changed_at by hand, rows copied in by logical replication) log nothing: as since V7, the periodic full
-- comparison (CONFWATCH_SWEEP_FULL_INTERVAL) and the full reload find them.

set local lock_timeout = '10s';

alter table confwatch.config_changes add column if not exists xid xid8;
alter table confwatch.config_changes alter column xid set default pg_catalog.pg_current_xact_id();

comment on column confwatch.config_changes.xid is
    'The writing transaction (null for rows written before V9): the sweep cursor finds changed tenants by it.';

do $$
begin
    -- Left behind by a concurrent build that failed: useless, and it would keep `if not exists` from building.
    if exists (select
                 from pg_catalog.pg_index i
                where i.indexrelid = pg_catalog.to_regclass('confwatch.config_changes_xid_idx')
                  and not i.indisvalid) then
        drop index confwatch.config_changes_xid_idx;
    end if;
end
$$;

create index if not exists config_changes_xid_idx on confwatch.config_changes (xid);

drop index if exists confwatch.tenants_version_xid_idx;

-- The op check admits 'TOUCH'. Spelled `= any (<array constant>)`, not `in (...)`: an `in` list is stored as an array
-- built from its constants, read back from its stored text and built again for every statement that writes the log;
-- an array constant is one value. Measured per single-row write (bench/pgbench/instructions.sh): the op check 12,500
-- instructions cheaper, the entity check, spelled the same way, 13,700. NOT VALID: adding them reads no row (every row written before
-- satisfies them, V1's checks were narrower); every new row is checked. `alter table confwatch.config_changes validate
-- constraint ...` marks them valid at any time, without blocking writers.
alter table confwatch.config_changes drop constraint if exists config_changes_op_check;
alter table confwatch.config_changes add constraint config_changes_op_check
    check (op = any ('{INSERT,UPDATE,DELETE,TOUCH}'::text[])) not valid;
alter table confwatch.config_changes drop constraint if exists config_changes_entity_check;
alter table confwatch.config_changes add constraint config_changes_entity_check
    check (entity = any ('{tenant,monitor,filter,trigger}'::text[])) not valid;

create table if not exists confwatch.config_changes_purged (
    only_row    boolean primary key default true check (only_row),
    through_xid xid8 not null
);

comment on table confwatch.config_changes_purged is
    'The highest transaction id whose change rows may be missing from confwatch.config_changes (rows before V9 have '
    'no xid; purge_changes raises it to what it deleted): a sweep cursor at or below it compares every tenant.';

revoke all on table confwatch.config_changes_purged from public;
grant select, update on confwatch.config_changes_purged to confwatch_owner;

insert into confwatch.config_changes_purged (through_xid) values (pg_catalog.pg_current_xact_id())
on conflict (only_row) do nothing;

-- V6's merge_op, and: a touch stays a touch when the same transaction then renames the tenant (the version must still
-- be read whole); a delete after it is a delete.
create or replace function confwatch.merge_op(earlier text, later text) returns text
    language sql
    immutable
    parallel safe
    security invoker
as $$
    select case
        when later operator(pg_catalog.=) 'DELETE' then 'DELETE'
        when earlier operator(pg_catalog.=) 'TOUCH' then 'TOUCH'
        when earlier operator(pg_catalog.=) 'INSERT' and later operator(pg_catalog.=) 'UPDATE' then 'INSERT'
        when earlier operator(pg_catalog.=) 'DELETE' and later operator(pg_catalog.=) 'INSERT' then 'UPDATE'
        else later
    end
$$;

-- V6's, and: a bump by a writer's UPDATE that changes neither name nor status (tenants_log_update does not fire for
-- it) logs a TOUCH row, so every transaction that bumps a tenant leaves a change row with its xid.
create or replace function confwatch.tenants_bump() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'INSERT' then
        new.config_version := 1 + coalesce(
            (select pg_catalog.max(c.version) from confwatch.config_changes c where c.tenant_id = new.id), 0);
        new.version_xid := pg_catalog.pg_current_xact_id();
        new.updated_at := pg_catalog.now();
        new.updated_by := confwatch.current_actor();
    else
        if old.version_xid is distinct from pg_catalog.pg_current_xact_id() then
            new.config_version := old.config_version + 1;
            new.version_xid := pg_catalog.pg_current_xact_id();
            if pg_catalog.current_setting('confwatch.notify', true) is distinct from 'off' then
                perform pg_catalog.pg_notify(confwatch.notify_channel(),
                    confwatch.change_payload(new.id, new.config_version));
            end if;
            if (new.name, new.status) is not distinct from (old.name, old.status) then
                insert into confwatch.config_changes
                    (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
                values (new.id, 'tenant', new.id, 'TOUCH', new.config_version, confwatch.current_actor(), session_user)
                on conflict (tenant_id, version, entity, entity_id) do nothing;
            end if;
        else
            new.config_version := old.config_version;
            new.version_xid := old.version_xid;
        end if;
        if (new.name, new.status) is distinct from (old.name, old.status) then
            new.updated_at := pg_catalog.now();
            new.updated_by := confwatch.current_actor();
        else
            new.updated_at := old.updated_at;
            new.updated_by := old.updated_by;
        end if;
    end if;
    new.changed_at := pg_catalog.clock_timestamp();
    return new;
end
$$;

-- V6's, and: the change rows name their transaction (this_xact, which it computes anyway) instead of leaving it to the
-- column's default, whose function call would be set up again in every statement (about 1,000 instructions per write,
-- measured with bench/pgbench/instructions.sh). Nothing else differs.
create or replace function confwatch.entities_log() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
declare
    kind constant text := tg_argv[0];
    actor constant text := confwatch.current_actor();
    this_xact constant xid8 := pg_catalog.pg_current_xact_id();
    notifying constant boolean := pg_catalog.current_setting('confwatch.notify', true) is distinct from 'off';
begin
    if tg_op = 'INSERT' then
        with touched as (
            update confwatch.tenants t
               set config_version = case when t.version_xid is distinct from this_xact
                                         then t.config_version + 1 else t.config_version end,
                   version_xid = this_xact,
                   changed_at = pg_catalog.clock_timestamp()
             where t.id in (select n.tenant_id from new_rows n)
            returning t.id, t.config_version,
                case when notifying
                    then pg_catalog.pg_notify(confwatch.notify_channel(), confwatch.change_payload(t.id, t.config_version))
                end
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name, xid)
        select n.tenant_id, kind, n.id, 'INSERT', t.config_version, actor, session_user, this_xact
          from new_rows n
          join touched t on t.id = n.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    elsif tg_op = 'UPDATE' then
        -- Paired on (tenant_id, id): an entity moved between tenants leaves one and joins the other.
        with changed as (
            select coalesce(n.tenant_id, o.tenant_id) as tenant_id,
                   coalesce(n.id, o.id) as id,
                   case
                       when o.id is null then 'INSERT'
                       when n.id is null then 'DELETE'
                       else 'UPDATE'
                   end as op
              from (select tenant_id, id from old_rows) o
              full join (select tenant_id, id from new_rows) n
                on n.tenant_id = o.tenant_id and n.id = o.id
        ),
        touched as (
            update confwatch.tenants t
               set config_version = case when t.version_xid is distinct from this_xact
                                         then t.config_version + 1 else t.config_version end,
                   version_xid = this_xact,
                   changed_at = pg_catalog.clock_timestamp()
             where t.id in (select ch.tenant_id from changed ch)
            returning t.id, t.config_version,
                case when notifying
                    then pg_catalog.pg_notify(confwatch.notify_channel(), confwatch.change_payload(t.id, t.config_version))
                end
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name, xid)
        select ch.tenant_id, kind, ch.id, ch.op, t.config_version, actor, session_user, this_xact
          from changed ch
          join touched t on t.id = ch.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    else
        with touched as (
            update confwatch.tenants t
               set config_version = case when t.version_xid is distinct from this_xact
                                         then t.config_version + 1 else t.config_version end,
                   version_xid = this_xact,
                   changed_at = pg_catalog.clock_timestamp()
             where t.id in (select o.tenant_id from old_rows o)
            returning t.id, t.config_version,
                case when notifying
                    then pg_catalog.pg_notify(confwatch.notify_channel(), confwatch.change_payload(t.id, t.config_version))
                end
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name, xid)
        select o.tenant_id, kind, o.id, 'DELETE', t.config_version, actor, session_user, this_xact
          from old_rows o
          join touched t on t.id = o.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = 'DELETE'
            where c.op <> 'DELETE';
    end if;
    return null;
end
$$;

-- V3's rule, unchanged, and: the newest transaction id it deleted raises the floor, in the same transaction, so a
-- sweep either still sees a change row or sees that it may be gone.
create or replace function confwatch.purge_changes(max_age interval default '7 days') returns bigint
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
declare
    cutoff constant timestamptz := pg_catalog.now() - max_age;
    cut bigint;
    purged bigint;
    newest xid8;
begin
    select coalesce(pg_catalog.min(k.seq), 9223372036854775807) into cut
      from confwatch.config_changes k
     where k.changed_at >= cutoff;
    with gone as (
        delete from confwatch.config_changes c
         where c.seq < cut
           and c.changed_at < cutoff
           and not exists (
               select from confwatch.config_changes k
                where k.tenant_id = c.tenant_id and k.version = c.version and k.seq >= cut)
        returning c.xid
    )
    select pg_catalog.count(*),
           (select g.xid from gone g where g.xid is not null order by g.xid desc limit 1)
      into purged, newest
      from gone;
    if newest is not null then
        update confwatch.config_changes_purged p
           set through_xid = newest
         where p.through_xid < newest;
    end if;
    return purged;
end
$$;

alter function confwatch.merge_op(text, text) owner to confwatch_owner;
alter function confwatch.tenants_bump() owner to confwatch_owner;
alter function confwatch.entities_log() owner to confwatch_owner;
alter function confwatch.purge_changes(interval) owner to confwatch_owner;
revoke all on function confwatch.merge_op(text, text) from public;
revoke all on function confwatch.tenants_bump() from public;
revoke all on function confwatch.entities_log() from public;
revoke all on function confwatch.purge_changes(interval) from public;

-- The worker's cursor read checks the floor. roles.sql grants it too; granting here keeps a worker that runs as
-- confwatch_worker on its cursor when an operator migrates and forgets to re-apply roles.sql (without it, every sweep
-- compares every tenant, and says so once). The janitor keeps EXECUTE on purge_changes (create or replace keeps it).
do $$
begin
    if exists (select from pg_catalog.pg_roles where rolname = 'confwatch_worker') then
        grant select on confwatch.config_changes_purged to confwatch_worker;
    end if;
end
$$;
