-- ConfWatch version 3: the writers' trust boundary. The functions that keep versions and the change
-- log run as the NOLOGIN role confwatch_owner (SECURITY DEFINER), so writers no longer need, and no
-- longer get, any right on confwatch.config_changes beyond reading it; EXECUTE is revoked from
-- PUBLIC on every function; a filter's monitor must belong to the filter's tenant; and each change
-- row records session_user beside the writer's changed_by claim.
--
-- Requires V2__change_tracking.sql. Flyway runs this file as db/migration/V3__trust_boundary.sql. To
-- apply it by hand, after V2, in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V3__trust_boundary.sql
--
-- then re-apply sql/roles.sql. Re-running it is harmless.
--
-- The role confwatch_owner is cluster-wide. This file creates it when the migrating role may create
-- roles (superuser or CREATEROLE), and makes the migrating role a member of it (with INHERIT and, on
-- PostgreSQL 16 and later, SET). A migrating role that may do neither stops here with the two
-- statements a database administrator must run first (docs/operations.md, "Trust model").
--
-- STYLE for every later migration that writes a function in schema confwatch (TrustBoundaryTest
-- checks owner, grants and clauses):
--   * a function that reads or writes a table: `security definer set search_path = pg_catalog,
--     pg_temp`, and every name in its body qualified (pg_catalog.now(), confwatch.tenants);
--   * a function that reads no table and only computes a value (current_actor, entities_stamp): no
--     SET clause and invoker's rights, with every function, operator and type qualified
--     (operator(pg_catalog.<>), pg_catalog.text). A SET clause costs each call about 3 µs
--     (PostgreSQL 15, this project's machine), several per write; add such a function to the list in
--     TrustBoundaryTest;
--   * `create or replace` keeps a function's owner and grants but not its clauses: repeat them every
--     time. The migrating role may replace these functions because it is a member of confwatch_owner,
--     which owns them;
--   * a new function: right after `create function`, `alter function ... owner to confwatch_owner`
--     and `revoke all on function ... from public`; grant EXECUTE to a group role in roles.sql only
--     when that role must call it. (Functions created while `set role confwatch_owner` get no
--     PUBLIC grant by default; a per-schema ALTER DEFAULT PRIVILEGES cannot take PUBLIC's away.)
--   * write them in plpgsql, not `language sql`: a SQL function with a SET clause is never inlined,
--     and before PostgreSQL 18 it parses and plans its body again in every transaction that calls it;
--     plpgsql keeps its plans for the session;
--   * who wrote: confwatch.current_actor() (the claim, else the role the session acts as) and
--     session_user; never current_user, which is confwatch_owner inside these functions.

-- A migration that waits for a lock holds up every query queued behind it: give up instead, and
-- let the operator run it again when the database is quieter.
set local lock_timeout = '10s';

do $$
declare
    migrator constant text := current_user;
    advice text;
    acts_as_owner boolean;
begin
    advice := pg_catalog.format('As a database administrator run once: %sgrant confwatch_owner to %I; '
        'then migrate again (docs/operations.md, "Trust model").',
        case when exists (select from pg_catalog.pg_roles where rolname = 'confwatch_owner') then ''
             else 'create role confwatch_owner nologin; ' end,
        migrator);
    if not exists (select from pg_catalog.pg_roles where rolname = 'confwatch_owner') then
        begin
            create role confwatch_owner nologin;
        exception
            when insufficient_privilege then
                raise exception 'ConfWatch needs the role confwatch_owner, and % may not create roles', migrator
                    using errcode = 'insufficient_privilege', hint = advice;
            when duplicate_object then
                null; -- another database of this cluster created it meanwhile
        end;
    end if;
    acts_as_owner := pg_catalog.pg_has_role(migrator, 'confwatch_owner', 'USAGE');
    if acts_as_owner and pg_catalog.current_setting('server_version_num')::int >= 160000 then
        -- ALTER ... OWNER TO needs SET on the new owner since 16 (the privilege type is unknown before).
        acts_as_owner := pg_catalog.pg_has_role(migrator, 'confwatch_owner', 'SET');
    end if;
    if not acts_as_owner then
        begin
            -- PostgreSQL 16+ gives a CREATEROLE creator only ADMIN on the new role; ADMIN lets it grant itself.
            if pg_catalog.current_setting('server_version_num')::int >= 160000 then
                execute pg_catalog.format('grant confwatch_owner to %I with inherit true, set true', migrator);
            else
                execute pg_catalog.format('grant confwatch_owner to %I', migrator);
            end if;
        exception
            when insufficient_privilege or invalid_grant_operation then
                raise exception 'ConfWatch migrations run as % must be able to act as the role confwatch_owner, '
                    'and % may not grant it to itself', migrator, migrator
                    using errcode = 'insufficient_privilege', hint = advice;
        end;
        if not pg_catalog.pg_has_role(migrator, 'confwatch_owner', 'USAGE') then
            raise exception 'ConfWatch migrations run as % must inherit the privileges of confwatch_owner', migrator
                using errcode = 'insufficient_privilege',
                      hint = 'Grant confwatch_owner to it with INHERIT (a NOINHERIT role cannot replace these functions).';
        end if;
    end if;
end
$$;

-- CREATE on the schema: PostgreSQL requires it of a function's new owner (ALTER ... OWNER TO).
grant usage, create on schema confwatch to confwatch_owner;
-- What the functions below read and write, and nothing else.
grant select, update (changed_at) on confwatch.tenants to confwatch_owner;
grant select, insert, update (op), delete on confwatch.config_changes to confwatch_owner;
grant usage on sequence confwatch.config_changes_seq_seq to confwatch_owner;
alter default privileges for role confwatch_owner revoke execute on functions from public;

alter table confwatch.config_changes add column if not exists session_user_name text;
comment on column confwatch.config_changes.session_user_name is
    'session_user of the writing session, beside its changed_by claim; null on rows written before V3.';
comment on column confwatch.config_changes.changed_by is
    'The writer''s claim (confwatch.actor), else the role its session acted as; check it against session_user_name.';

-- Who is writing: the claim when a tool sets confwatch.actor, else the role the session acts as (its
-- SET ROLE, else its login). Not current_user, which inside the functions below is confwatch_owner.
-- Invoker's rights and no SET clause (see STYLE above): it reads no table, and every name, operator
-- and type in it is qualified, so a caller's search_path cannot reach into it.
create or replace function confwatch.current_actor() returns text
    language plpgsql
    stable
    parallel safe
as $$
begin
    return case
        when pg_catalog.current_setting('confwatch.actor', true) operator(pg_catalog.<>) ''
            then pg_catalog.current_setting('confwatch.actor', true)
        when pg_catalog.current_setting('role') operator(pg_catalog.<>) 'none'
            then pg_catalog.current_setting('role')
        else session_user::pg_catalog.text
    end;
end
$$;

comment on function confwatch.current_actor() is
    'Who is writing: the session setting confwatch.actor when a tool sets it, else the role the session acts as.';

create or replace function confwatch.merge_op(earlier text, later text) returns text
    language plpgsql
    immutable
    parallel safe
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    return case
        when later = 'DELETE' then 'DELETE'
        when earlier = 'INSERT' and later = 'UPDATE' then 'INSERT'
        when earlier = 'DELETE' and later = 'INSERT' then 'UPDATE'
        else later
    end;
end
$$;

create or replace function confwatch.version_at_delete(deleted confwatch.tenants) returns bigint
    language plpgsql
    stable
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    return deleted.config_version
        + case when deleted.version_xid = pg_catalog.pg_current_xact_id() then 0 else 1 end;
end
$$;

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

create or replace function confwatch.tenants_log() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
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
    insert into confwatch.config_changes as c
        (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
    values (tenant, 'tenant', tenant, tg_op, tenant_version, confwatch.current_actor(), session_user)
    on conflict (tenant_id, version, entity, entity_id) do update
        set op = confwatch.merge_op(c.op, excluded.op)
        where c.op <> confwatch.merge_op(c.op, excluded.op);
    return null;
end
$$;

create or replace function confwatch.tenants_notify() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    if pg_catalog.current_setting('confwatch.notify', true) is distinct from 'off' then
        if tg_op = 'DELETE' then
            perform pg_catalog.pg_notify('confwatch_changes',
                '{"tenant":"' || old.id || '","version":' || confwatch.version_at_delete(old) || '}');
        else
            perform pg_catalog.pg_notify('confwatch_changes',
                '{"tenant":"' || new.id || '","version":' || new.config_version || '}');
        end if;
    end if;
    return null;
end
$$;

-- Invoker's rights and no SET clause, like current_actor(): it runs once per written row, reads no
-- table, and sets only the row's own stamp, with qualified names only.
create or replace function confwatch.entities_stamp() returns trigger
    language plpgsql
as $$
begin
    new.updated_at := pg_catalog.now();
    new.updated_by := confwatch.current_actor();
    return new;
end
$$;

create or replace function confwatch.entities_log() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
declare
    kind constant text := tg_argv[0];
    actor constant text := confwatch.current_actor();
begin
    if tg_op = 'INSERT' then
        with touched as (
            update confwatch.tenants t
               set changed_at = pg_catalog.clock_timestamp()
             where t.id in (select n.tenant_id from new_rows n)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
        select n.tenant_id, kind, n.id, 'INSERT', t.config_version, actor, session_user
          from new_rows n
          join touched t on t.id = n.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    elsif tg_op = 'UPDATE' then
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
               set changed_at = pg_catalog.clock_timestamp()
             where t.id in (select ch.tenant_id from changed ch)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
        select ch.tenant_id, kind, ch.id, ch.op, t.config_version, actor, session_user
          from changed ch
          join touched t on t.id = ch.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    else
        with touched as (
            update confwatch.tenants t
               set changed_at = pg_catalog.clock_timestamp()
             where t.id in (select o.tenant_id from old_rows o)
            returning t.id, t.config_version
        )
        insert into confwatch.config_changes as c
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
        select o.tenant_id, kind, o.id, 'DELETE', t.config_version, actor, session_user
          from old_rows o
          join touched t on t.id = o.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = 'DELETE'
            where c.op <> 'DELETE';
    end if;
    return null;
end
$$;

-- As in V2; running as confwatch_owner, it lets roles.sql give the retention job EXECUTE and no
-- DELETE on the log, so the log is only ever cut by this rule.
create or replace function confwatch.purge_changes(max_age interval default '7 days') returns bigint
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
declare
    cutoff constant timestamptz := pg_catalog.now() - max_age;
    cut bigint;
    purged bigint;
begin
    select coalesce(pg_catalog.min(k.seq), 9223372036854775807) into cut
      from confwatch.config_changes k
     where k.changed_at >= cutoff;
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

alter function confwatch.current_actor() owner to confwatch_owner;
alter function confwatch.merge_op(text, text) owner to confwatch_owner;
alter function confwatch.version_at_delete(confwatch.tenants) owner to confwatch_owner;
alter function confwatch.tenants_bump() owner to confwatch_owner;
alter function confwatch.tenants_log() owner to confwatch_owner;
alter function confwatch.tenants_notify() owner to confwatch_owner;
alter function confwatch.entities_stamp() owner to confwatch_owner;
alter function confwatch.entities_log() owner to confwatch_owner;
alter function confwatch.purge_changes(interval) owner to confwatch_owner;

revoke all on all functions in schema confwatch from public;

-- What V2's roles.sql had to give writers for invoker-rights triggers is taken back here, so the log
-- cannot be forged between this migration and the next run of roles.sql; and writers keep working in
-- that window: the columns' default confwatch.current_actor() needs EXECUTE now that PUBLIC has none.
do $$
begin
    if exists (select from pg_catalog.pg_roles where rolname = 'confwatch_writer') then
        revoke insert, update, delete, truncate on confwatch.config_changes from confwatch_writer;
        revoke usage on sequence confwatch.config_changes_seq_seq from confwatch_writer;
        grant execute on function confwatch.current_actor() to confwatch_writer;
    end if;
end
$$;

-- A filter's monitor belongs to the filter's tenant. The foreign key is added NOT VALID (checked for
-- every new or changed row from now on, no scan), existing violations are cleared, then it is
-- validated. Deferrable (initially immediate), so a transaction can move a monitor and its filters to
-- another tenant together after `set constraints confwatch.filters_monitor_same_tenant_fkey deferred`.
-- Deleting a monitor still sets its filters' monitor_id to null, now before the row goes
-- (monitors_unlink_filters): V1's foreign key does that too, but RI triggers fire in the order of
-- their names, which carry OIDs as text, so this key's check could run before V1's set-null and
-- refuse the delete. Not initially deferred: a pending check at commit would make `alter table ...
-- enable trigger` fail in a transaction that deleted monitors.
create unique index if not exists monitors_id_tenant_id_key on confwatch.monitors (id, tenant_id);

grant select, update (monitor_id) on confwatch.filters to confwatch_owner;

create or replace function confwatch.monitors_unlink_filters() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    update confwatch.filters f
       set monitor_id = null
     where f.monitor_id = old.id;
    return old;
end
$$;

alter function confwatch.monitors_unlink_filters() owner to confwatch_owner;
revoke all on function confwatch.monitors_unlink_filters() from public;

drop trigger if exists monitors_unlink_filters on confwatch.monitors;
create trigger monitors_unlink_filters
    before delete on confwatch.monitors
    for each row execute function confwatch.monitors_unlink_filters();

do $$
begin
    if not exists (select from pg_catalog.pg_constraint
                    where conname = 'filters_monitor_same_tenant_fkey'
                      and conrelid = 'confwatch.filters'::pg_catalog.regclass) then
        alter table confwatch.filters add constraint filters_monitor_same_tenant_fkey
            foreign key (monitor_id, tenant_id) references confwatch.monitors (id, tenant_id)
            deferrable initially immediate
            not valid;
    end if;
end
$$;

-- Filters that pointed at another tenant's monitor before V3: what they pointed at is kept here, and
-- their monitor_id is set to null through the triggers, so the change is versioned, logged (changed_by
-- 'confwatch migration V3') and reaches the workers like any other write.
create table if not exists confwatch.v3_cleared_filter_links (
    filter_id         uuid not null,
    tenant_id         uuid not null,
    monitor_id        uuid not null,
    monitor_tenant_id uuid not null,
    cleared_at        timestamptz not null default clock_timestamp()
);
comment on table confwatch.v3_cleared_filter_links is
    'Filters whose monitor_id named another tenant''s monitor when V3 was applied; V3 set that monitor_id to null.';

do $$
declare
    claim constant text := pg_catalog.current_setting('confwatch.actor', true);
    cleared bigint;
begin
    with crossing as (
        insert into confwatch.v3_cleared_filter_links (filter_id, tenant_id, monitor_id, monitor_tenant_id)
        select f.id, f.tenant_id, f.monitor_id, m.tenant_id
          from confwatch.filters f
          join confwatch.monitors m on m.id = f.monitor_id
         where m.tenant_id <> f.tenant_id
        returning filter_id, monitor_id
    )
    select pg_catalog.count(*) into cleared from crossing;
    if cleared > 0 then
        perform pg_catalog.set_config('confwatch.actor', 'confwatch migration V3', true);
        update confwatch.filters f
           set monitor_id = null
          from confwatch.v3_cleared_filter_links l
         where l.filter_id = f.id
           and l.monitor_id = f.monitor_id;
        perform pg_catalog.set_config('confwatch.actor', coalesce(claim, ''), true);
        raise warning 'ConfWatch V3: % filter(s) named a monitor of another tenant; their monitor_id is now null, '
            'and what it was is in confwatch.v3_cleared_filter_links', cleared;
    end if;
end
$$;

alter table confwatch.filters validate constraint filters_monitor_same_tenant_fkey;
