-- ConfWatch version 6: the trust boundary's writer cost. V3-V5 made a single-row entity write run five
-- function calls with a SET clause or a plpgsql body of their own where V2 ran three cheap ones; this
-- migration gives every such write one SECURITY DEFINER call per statement (entities_log, which writes the
-- log) and keeps every property of V3-V5: writers still cannot write the log, set versions or call the
-- owner's functions, the definer functions still pin search_path, and the payload, versions and log rows are
-- what they were.
--
-- Requires V1-V5. Flyway runs this file as db/migration/V6__cheap_writer_path.sql. To apply it by hand, in
-- one transaction, then re-apply sql/roles.sql:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V6__cheap_writer_path.sql
--
-- Re-running it is harmless. Measured with bench/pgbench/pairs.sh (docs/benchmarks.md, "Writer cost of the
-- trust boundary"). Where a single-row monitor update's time went under V5 (PostgreSQL 15, track_functions =
-- all, self time per call): current_actor() 17 us x 2 (a plpgsql function: it is called, not inlined, and
-- each transaction sets its expressions up again), notify_channel() 11 us (language sql with a SET clause:
-- never inlined, and parsed and planned again in every transaction), tenants_notify 9 us and tenants_bump 6 us
-- (two more row triggers run by the tenant touch), plus one GUC save and restore per SET clause (four per write).
--
-- What changes:
--   * current_actor() and notify_channel() become `language sql`, invoker's rights, no SET clause: the planner
--     then inlines them into the statements and expressions that call them (a SQL function is inlined only
--     without SECURITY DEFINER and SET), so they cost nothing at run time. Neither reads a table; every name,
--     operator and type in their bodies is qualified, and they use no construct that looks an operator up by
--     name (no NULLIF, IS DISTINCT FROM, IN), so a caller's search_path cannot reach into them even when they
--     are inlined into an invoker's function. Replacing either still takes effect at once: plans that inlined
--     a function are invalidated when it changes. (notify_channel() was SECURITY DEFINER with a pinned
--     search_path in V5. It returns a constant: nothing a session sets changes it; only its owner may replace
--     it, as before.)
--   * entities_log() bumps the tenant itself in the one UPDATE it already runs (config_version + 1 unless this
--     transaction bumped it, version_xid, changed_at) and sends the notification from that UPDATE's RETURNING;
--     identical payloads of one transaction fold into one, so each tenant still gets one notification per
--     transaction with its new version. The tenant row triggers no longer run for that touch:
--       - tenants_bump now fires on INSERT only; a new trigger tenants_bump_update runs the same function on
--         UPDATE only `when (old.changed_at is not distinct from new.changed_at)`, i.e. for a statement that did
--         not set changed_at itself. Writers cannot set changed_at (roles.sql, RolesTest), so every writer's
--         tenant update still bumps; a statement of the owner that sets it (entities_log) has bumped already. Had
--         both run, the result would be the same: the bump is done once per transaction (version_xid).
--       - tenants_notify_update is dropped: for a writer's tenant update tenants_bump sends the notification when
--         it bumps (the only BEFORE UPDATE trigger on tenants, so the version it sends is final; notifications
--         of a statement or transaction that fails are discarded with it).
--       - tenants_log_update is unchanged (its WHEN is false for a touch).
--     confwatch_owner gets UPDATE on tenants (config_version, version_xid) for that.
--
-- STYLE (amends V3's): a function in schema confwatch that reads no table and only computes a value is
-- `language sql`, invoker's rights, no SET clause, every function, operator and type in it qualified and no
-- NULLIF / IS DISTINCT FROM / IN / CASE x WHEN (they look `=` up on the caller's search_path): it is inlined.
-- Add it to TrustBoundaryTest's COMPUTE_ONLY list. Trigger functions cannot be `language sql`: a compute-only
-- trigger function (entities_stamp) stays plpgsql without SET. Everything else keeps V3's rules.

set local lock_timeout = '10s';

create or replace function confwatch.current_actor() returns text
    language sql
    stable
    parallel safe
as $$
    select case
        when pg_catalog.current_setting('confwatch.actor', true) operator(pg_catalog.<>) ''
            then pg_catalog.current_setting('confwatch.actor', true)
        when pg_catalog.current_setting('role') operator(pg_catalog.<>) 'none'
            then pg_catalog.current_setting('role')
        else session_user::pg_catalog.text
    end
$$;

comment on function confwatch.current_actor() is
    'Who is writing: the session setting confwatch.actor when a tool sets it, else the role the session acts as.';

-- Stable, not immutable: a changed channel must reach sessions whose plans inlined the old one.
create or replace function confwatch.notify_channel() returns text
    language sql
    stable
    parallel safe
    security invoker
as $$
    select 'confwatch_changes'::pg_catalog.text
$$;

-- The notification payload, built by hand so it stays exactly this, byte for byte, across server versions; one
-- place for the three triggers that notify (tenants_bump, tenants_notify, entities_log).
create or replace function confwatch.change_payload(tenant uuid, version bigint) returns text
    language sql
    immutable
    parallel safe
    security invoker
as $$
    select '{"tenant":"' operator(pg_catalog.||) tenant::pg_catalog.text operator(pg_catalog.||) '","version":'
        operator(pg_catalog.||) version::pg_catalog.text operator(pg_catalog.||) '}'
$$;

-- V2's rules, unchanged, as compute-only functions (they were definer with a SET clause since V3: merge_op runs
-- twice per conflicting change row, i.e. per entity a transaction changes again, version_at_delete three times
-- per deleted tenant).
create or replace function confwatch.merge_op(earlier text, later text) returns text
    language sql
    immutable
    parallel safe
    security invoker
as $$
    select case
        when later operator(pg_catalog.=) 'DELETE' then 'DELETE'
        when earlier operator(pg_catalog.=) 'INSERT' and later operator(pg_catalog.=) 'UPDATE' then 'INSERT'
        when earlier operator(pg_catalog.=) 'DELETE' and later operator(pg_catalog.=) 'INSERT' then 'UPDATE'
        else later
    end
$$;

create or replace function confwatch.version_at_delete(deleted confwatch.tenants) returns bigint
    language sql
    stable
    security invoker
as $$
    select deleted.config_version operator(pg_catalog.+) case
        when deleted.version_xid operator(pg_catalog.=) pg_catalog.pg_current_xact_id() then 0::pg_catalog.int8
        else 1::pg_catalog.int8
    end
$$;

grant update (changed_at, config_version, version_xid) on confwatch.tenants to confwatch_owner;

-- Replaces V5's: the same payload and channel, through change_payload().
create or replace function confwatch.tenants_notify() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    if pg_catalog.current_setting('confwatch.notify', true) is distinct from 'off' then
        if tg_op = 'DELETE' then
            perform pg_catalog.pg_notify(confwatch.notify_channel(),
                confwatch.change_payload(old.id, confwatch.version_at_delete(old)));
        else
            perform pg_catalog.pg_notify(confwatch.notify_channel(),
                confwatch.change_payload(new.id, new.config_version));
        end if;
    end if;
    return null;
end
$$;

-- Before a tenant row is inserted (every time) or updated by a statement that did not bump it (a writer's):
-- V3's numbering, and on UPDATE the notification of the transaction's first bump.
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

-- One call per statement: one UPDATE bumps every affected tenant once per transaction and notifies it (its
-- RETURNING), and the change rows carry the version that UPDATE returned. A tenant that no longer exists (its
-- delete cascaded here) returns nothing, so nothing is logged or sent.
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
            (tenant_id, entity, entity_id, op, version, changed_by, session_user_name)
        select n.tenant_id, kind, n.id, 'INSERT', t.config_version, actor, session_user
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

-- create or replace keeps the owner and grants of a function that existed; change_payload() is new. Repeated for
-- all, so a database whose functions someone re-owned by hand comes back to the rule.
alter function confwatch.current_actor() owner to confwatch_owner;
alter function confwatch.notify_channel() owner to confwatch_owner;
alter function confwatch.change_payload(uuid, bigint) owner to confwatch_owner;
alter function confwatch.merge_op(text, text) owner to confwatch_owner;
alter function confwatch.version_at_delete(confwatch.tenants) owner to confwatch_owner;
alter function confwatch.tenants_notify() owner to confwatch_owner;
alter function confwatch.tenants_bump() owner to confwatch_owner;
alter function confwatch.entities_log() owner to confwatch_owner;
revoke all on function confwatch.current_actor() from public;
revoke all on function confwatch.notify_channel() from public;
revoke all on function confwatch.change_payload(uuid, bigint) from public;
revoke all on function confwatch.merge_op(text, text) from public;
revoke all on function confwatch.version_at_delete(confwatch.tenants) from public;
revoke all on function confwatch.tenants_notify() from public;
revoke all on function confwatch.tenants_bump() from public;
revoke all on function confwatch.entities_log() from public;

drop trigger if exists tenants_bump on confwatch.tenants;
create trigger tenants_bump
    before insert on confwatch.tenants
    for each row execute function confwatch.tenants_bump();

-- A statement that set changed_at is ConfWatch's own touch (entities_log), which bumped and notified already;
-- writers cannot set changed_at.
drop trigger if exists tenants_bump_update on confwatch.tenants;
create trigger tenants_bump_update
    before update on confwatch.tenants
    for each row
    when (old.changed_at is not distinct from new.changed_at)
    execute function confwatch.tenants_bump();

drop trigger if exists tenants_notify_update on confwatch.tenants;
