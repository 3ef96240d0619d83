-- ConfWatch change tracking, version 2: the triggers that keep tenants.config_version, write the
-- change log (config_changes) and send the change notifications, and the change-log retention.
--
-- Requires PostgreSQL 13 or later and V1__schema.sql. Flyway runs this file as
-- db/migration/V2__change_tracking.sql. To apply it by hand, after V1, in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V2__change_tracking.sql
--
-- Re-running it replaces the functions and triggers with the ones below.
--
-- What every committed transaction that changes a tenant or its monitors, filters or triggers gets:
--   * tenants.config_version + 1, exactly once however many rows and statements it touched;
--   * one config_changes row per changed entity, carrying that version;
--   * one notification on channel confwatch_changes, payload {"tenant":"<uuid>","version":N},
--     unless the setting confwatch.notify is 'off' (session or ALTER DATABASE ... SET).
-- A writer that changes one tenant in several statements while others write it too should lock
-- the tenant row first (select ... from confwatch.tenants where id = $1 for no key update): the
-- triggers take that lock after each statement's rows, and a later statement would deadlock.
-- update confwatch.tenants set name = name where id = $1 makes every worker reload that tenant.

-- Order of two ops on one entity in one transaction, collapsed to what the transaction did overall.
create or replace function confwatch.merge_op(earlier text, later text) returns text
    language sql
    immutable
    parallel safe
as $$
    select case
        when later = 'DELETE' then 'DELETE'
        when earlier = 'INSERT' and later = 'UPDATE' then 'INSERT'
        when earlier = 'DELETE' and later = 'INSERT' then 'UPDATE'
        else later
    end
$$;

-- A deleted tenant's last version: the delete is itself a change, unless this transaction bumped it.
create or replace function confwatch.version_at_delete(deleted confwatch.tenants) returns bigint
    language sql
    stable
as $$
    select deleted.config_version
        + case when deleted.version_xid = pg_current_xact_id() then 0 else 1 end
$$;

create or replace function confwatch.tenants_bump() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        -- A re-created tenant continues above its old versions (as far as the log remembers), so a
        -- worker that still holds the old tenant never takes the new one for a stale read.
        new.config_version := 1 + coalesce(
            (select max(c.version) from confwatch.config_changes c where c.tenant_id = new.id), 0);
        new.version_xid := pg_current_xact_id();
        new.updated_at := now();
        new.updated_by := confwatch.current_actor();
    else
        -- pg_current_xact_id() is the top-level transaction's id inside savepoints too.
        if old.version_xid is distinct from pg_current_xact_id() then
            new.config_version := old.config_version + 1;
            new.version_xid := pg_current_xact_id();
        else
            new.config_version := old.config_version;
            new.version_xid := old.version_xid;
        end if;
        if (new.name, new.status) is distinct from (old.name, old.status) then
            new.updated_at := now();
            new.updated_by := confwatch.current_actor();
        else
            new.updated_at := old.updated_at;
            new.updated_by := old.updated_by;
        end if;
    end if;
    new.changed_at := clock_timestamp();
    return new;
end
$$;

create or replace function confwatch.tenants_log() returns trigger
    language plpgsql
as $$
declare
    tenant uuid;
    tenant_version bigint;
begin
    if tg_op = 'DELETE' then
        tenant := old.id;
        tenant_version := confwatch.version_at_delete(old);
    else
        tenant := new.id;
        tenant_version := new.config_version;
    end if;
    insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
    values (tenant, 'tenant', tenant, tg_op, tenant_version, confwatch.current_actor())
    on conflict (tenant_id, version, entity, entity_id) do update
        set op = confwatch.merge_op(c.op, excluded.op)
        where c.op <> confwatch.merge_op(c.op, excluded.op);
    return null;
end
$$;

create or replace function confwatch.tenants_notify() returns trigger
    language plpgsql
as $$
begin
    if current_setting('confwatch.notify', true) is distinct from 'off' then
        -- Built by hand so the payload stays exactly this, byte for byte, across server versions.
        if tg_op = 'DELETE' then
            perform pg_notify('confwatch_changes',
                '{"tenant":"' || old.id || '","version":' || confwatch.version_at_delete(old) || '}');
        else
            perform pg_notify('confwatch_changes',
                '{"tenant":"' || new.id || '","version":' || new.config_version || '}');
        end if;
    end if;
    return null;
end
$$;

drop trigger if exists tenants_bump on confwatch.tenants;
create trigger tenants_bump
    before insert or update on confwatch.tenants
    for each row execute function confwatch.tenants_bump();

drop trigger if exists tenants_log on confwatch.tenants;
create trigger tenants_log
    after insert or delete on confwatch.tenants
    for each row execute function confwatch.tenants_log();

-- Entity triggers touch the tenant row for the bump; those touches are not tenant changes.
drop trigger if exists tenants_log_update on confwatch.tenants;
create trigger tenants_log_update
    after update on confwatch.tenants
    for each row
    when ((old.name, old.status) is distinct from (new.name, new.status))
    execute function confwatch.tenants_log();

drop trigger if exists tenants_notify on confwatch.tenants;
create trigger tenants_notify
    after insert or delete on confwatch.tenants
    for each row execute function confwatch.tenants_notify();

-- Only the transaction's first bump notifies; the version does not move after it.
drop trigger if exists tenants_notify_update on confwatch.tenants;
create trigger tenants_notify_update
    after update on confwatch.tenants
    for each row
    when (old.version_xid is distinct from new.version_xid)
    execute function confwatch.tenants_notify();

create or replace function confwatch.entities_stamp() returns trigger
    language plpgsql
as $$
begin
    new.updated_at := now();
    new.updated_by := confwatch.current_actor();
    return new;
end
$$;

-- One call per statement: touching the affected tenants makes tenants_bump do the bump and
-- tenants_notify_update the notification; the change rows carry the version the touch returned.
-- A tenant that no longer exists (its delete cascaded here) returns nothing, so nothing is logged.
create or replace function confwatch.entities_log() returns trigger
    language plpgsql
as $$
declare
    kind constant text := tg_argv[0];
    actor constant text := confwatch.current_actor();
begin
    if tg_op = 'INSERT' then
        with touched as (
            update confwatch.tenants t
               set changed_at = clock_timestamp()
             where t.id in (select n.tenant_id from new_rows n)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
        select n.tenant_id, kind, n.id, 'INSERT', t.config_version, actor
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
               set changed_at = clock_timestamp()
             where t.id in (select ch.tenant_id from changed ch)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
        select ch.tenant_id, kind, ch.id, ch.op, t.config_version, actor
          from changed ch
          join touched t on t.id = ch.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    else
        with touched as (
            update confwatch.tenants t
               set changed_at = clock_timestamp()
             where t.id in (select o.tenant_id from old_rows o)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
        select o.tenant_id, kind, o.id, 'DELETE', t.config_version, actor
          from old_rows o
          join touched t on t.id = o.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = 'DELETE'
            where c.op <> 'DELETE';
    end if;
    return null;
end
$$;

drop trigger if exists monitors_stamp on confwatch.monitors;
create trigger monitors_stamp
    before insert or update on confwatch.monitors
    for each row execute function confwatch.entities_stamp();

drop trigger if exists monitors_log_insert on confwatch.monitors;
create trigger monitors_log_insert
    after insert on confwatch.monitors
    referencing new table as new_rows
    for each statement execute function confwatch.entities_log('monitor');

drop trigger if exists monitors_log_update on confwatch.monitors;
create trigger monitors_log_update
    after update on confwatch.monitors
    referencing old table as old_rows new table as new_rows
    for each statement execute function confwatch.entities_log('monitor');

drop trigger if exists monitors_log_delete on confwatch.monitors;
create trigger monitors_log_delete
    after delete on confwatch.monitors
    referencing old table as old_rows
    for each statement execute function confwatch.entities_log('monitor');

drop trigger if exists filters_stamp on confwatch.filters;
create trigger filters_stamp
    before insert or update on confwatch.filters
    for each row execute function confwatch.entities_stamp();

drop trigger if exists filters_log_insert on confwatch.filters;
create trigger filters_log_insert
    after insert on confwatch.filters
    referencing new table as new_rows
    for each statement execute function confwatch.entities_log('filter');

drop trigger if exists filters_log_update on confwatch.filters;
create trigger filters_log_update
    after update on confwatch.filters
    referencing old table as old_rows new table as new_rows
    for each statement execute function confwatch.entities_log('filter');

drop trigger if exists filters_log_delete on confwatch.filters;
create trigger filters_log_delete
    after delete on confwatch.filters
    referencing old table as old_rows
    for each statement execute function confwatch.entities_log('filter');

drop trigger if exists triggers_stamp on confwatch.triggers;
create trigger triggers_stamp
    before insert or update on confwatch.triggers
    for each row execute function confwatch.entities_stamp();

drop trigger if exists triggers_log_insert on confwatch.triggers;
create trigger triggers_log_insert
    after insert on confwatch.triggers
    referencing new table as new_rows
    for each statement execute function confwatch.entities_log('trigger');

drop trigger if exists triggers_log_update on confwatch.triggers;
create trigger triggers_log_update
    after update on confwatch.triggers
    referencing old table as old_rows new table as new_rows
    for each statement execute function confwatch.entities_log('trigger');

drop trigger if exists triggers_log_delete on confwatch.triggers;
create trigger triggers_log_delete
    after delete on confwatch.triggers
    referencing old table as old_rows
    for each statement execute function confwatch.entities_log('trigger');

-- Deletes change rows older than max_age and returns how many. Per tenant it deletes the oldest
-- versions first and never part of a version's rows, so a delta from version V is complete exactly
-- when the log holds a row for every version in (V, config_version]; a version without rows was
-- purged or was a bare touch, and both call for a whole-tenant load. The cut is found by walking
-- the primary key from its oldest end (seq follows changed_at: both are taken as a row is written),
-- reading only rows about to go, so no changed_at index has to be maintained on every write.
create or replace function confwatch.purge_changes(max_age interval default '7 days') returns bigint
    language plpgsql
as $$
declare
    cutoff constant timestamptz := now() - max_age;
    cut bigint;
    purged bigint;
begin
    select coalesce(min(k.seq), 9223372036854775807) into cut
      from confwatch.config_changes k
     where k.changed_at >= cutoff;
    -- Two statements, so the delete is planned knowing the cut: a few index probes per purged row,
    -- not a hash of the whole log.
    delete from confwatch.config_changes c
     where c.seq < cut
       and c.changed_at < cutoff
       and not exists (
           select from confwatch.config_changes k
            where k.tenant_id = c.tenant_id and k.version = c.version and k.seq >= cut);
    get diagnostics purged = row_count;
    return purged;
end
$$;

revoke execute on function confwatch.purge_changes(interval) from public;
