-- ConfWatch roles: the least-privilege group roles for the worker and for the tools that write
-- configuration. Apply after the migrations, as the owner of schema confwatch (or a superuser), and
-- again after every upgrade; re-running it is harmless and brings the grants back to exactly what is
-- below:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/roles.sql
--
-- The roles cannot log in. An operator gives each program its own login user in a group:
--
--     create role confwatch_worker_prod login password '...' in role confwatch_worker;
--     create role admin_api login password '...' in role confwatch_writer;
--     grant confwatch_janitor to confwatch_worker_prod;  -- lets that worker run the log retention
--
-- Roles are cluster-wide: in a cluster with several ConfWatch databases, apply this in each one.

do $$
begin
    if not exists (select from pg_roles where rolname = 'confwatch_worker') then
        create role confwatch_worker nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'confwatch_writer') then
        create role confwatch_writer nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'confwatch_janitor') then
        create role confwatch_janitor nologin;
    end if;
end
$$;

revoke all on all tables in schema confwatch from confwatch_worker, confwatch_writer, confwatch_janitor;
revoke all on all sequences in schema confwatch from confwatch_worker, confwatch_writer, confwatch_janitor;
revoke all on all functions in schema confwatch from confwatch_worker, confwatch_writer, confwatch_janitor;
-- Nobody else may call ConfWatch's functions either (V3 revokes this too; kept here so a re-run
-- repairs it). The functions belong to confwatch_owner: run this as a member of it or a superuser.
revoke all on all functions in schema confwatch from public;

-- The worker reads; LISTEN needs no grant. It reads the one channel name the triggers notify
-- (confwatch.notify_channel(), V5) when it connects, and its self-probe notifies that channel. A
-- sharded worker selects its tenants by confwatch.tenant_slot(id) (V8).
grant usage on schema confwatch to confwatch_worker;
grant select on confwatch.tenants, confwatch.monitors, confwatch.filters, confwatch.triggers,
    confwatch.config_changes to confwatch_worker;
-- The sweep finds deleted tenants by their tombstones (V7: the deleting transaction's id), and reads how far retention
-- has purged the change log (V9) before it trusts a read of what changed since its last horizon.
grant select on confwatch.tenant_tombstones, confwatch.config_changes_purged to confwatch_worker;
grant execute on function confwatch.notify_channel() to confwatch_worker;
grant execute on function confwatch.tenant_slot(uuid) to confwatch_worker;

-- Writers change configuration and nothing the worker relies on (the trust boundary, since V3): the
-- triggers keep config_version, version_xid, changed_at and the change log (with its xid, V9) as confwatch_owner
-- (SECURITY DEFINER), so a writer may read the log but not write it, may set a tenant's id, name and
-- status only, and may not TRUNCATE (which would bypass the triggers) or call the triggers' functions.
-- EXECUTE on current_actor(): it is the default of the updated_by columns, evaluated by the writer.
grant usage on schema confwatch to confwatch_writer;
grant select, delete on confwatch.tenants to confwatch_writer;
grant insert (id, name, status), update (name, status) on confwatch.tenants to confwatch_writer;
grant select, insert, update, delete on confwatch.monitors, confwatch.filters, confwatch.triggers
    to confwatch_writer;
grant select on confwatch.config_changes to confwatch_writer;
grant execute on function confwatch.current_actor() to confwatch_writer;

-- Change-log retention (select confwatch.purge_changes('7 days')): the worker when granted this
-- role, or a cron job. purge_changes runs as confwatch_owner, so the janitor needs no DELETE: the
-- log is only ever cut by its rule (whole versions, oldest first).
grant usage on schema confwatch to confwatch_janitor;
grant execute on function confwatch.purge_changes(interval) to confwatch_janitor;
