-- ConfWatch roles: the least-privilege group roles for the worker and for the tools that write
-- configuration. Apply after the migrations, as the owner of schema confwatch (or a superuser);
-- re-running it is harmless and brings the grants back to exactly what is below:
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

-- The worker reads; LISTEN needs no grant. It reads the one channel name the triggers notify
-- (confwatch.notify_channel(), V5) when it connects, and its self-probe notifies that channel.
grant usage on schema confwatch to confwatch_worker;
grant select on confwatch.tenants, confwatch.monitors, confwatch.filters, confwatch.triggers,
    confwatch.config_changes to confwatch_worker;
grant execute on function confwatch.notify_channel() to confwatch_worker;

-- The triggers run as the writing user: they bump tenants, and they append to config_changes and
-- merge a transaction's repeated changes of one entity (insert ... on conflict do update of op).
grant usage on schema confwatch to confwatch_writer;
grant select, insert, update, delete on confwatch.tenants, confwatch.monitors, confwatch.filters,
    confwatch.triggers to confwatch_writer;
grant select (tenant_id, version, entity, entity_id, op), insert, update (op)
    on confwatch.config_changes to confwatch_writer;
grant usage on sequence confwatch.config_changes_seq_seq to confwatch_writer;

-- Change-log retention (select confwatch.purge_changes('7 days')): the worker when granted this
-- role, or a cron job.
grant usage on schema confwatch to confwatch_janitor;
grant select, delete on confwatch.config_changes to confwatch_janitor;
grant execute on function confwatch.purge_changes(interval) to confwatch_janitor;
