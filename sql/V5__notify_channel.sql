-- ConfWatch, version 5: the notification channel lives in one place, confwatch.notify_channel(), which the
-- triggers notify and the worker reads when it connects (it refuses to LISTEN anywhere else, and its self-probe
-- notifies the same channel the triggers do). Before this the triggers named 'confwatch_changes' themselves, so a
-- worker started with another CONFWATCH_CHANNEL listened, probed itself, looked healthy and heard no write.
--
-- Requires V1 and V2. Flyway runs this file as db/migration/V5__notify_channel.sql; by hand, in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V5__notify_channel.sql
--
-- Changing the channel (rarely useful: notifications never leave their database) is a change of this function by
-- its owner, and of CONFWATCH_CHANNEL on every worker; a worker whose setting differs stops at start naming both:
--
--     create or replace function confwatch.notify_channel() returns text ... as $$ select 'other'::text $$;
--
-- Who may change it: only the function's owner (or a superuser). A writer session cannot redirect or hide its
-- notifications through it: the channel is neither a setting a session can override nor a row a writer can
-- update, every name below is schema-qualified, and search_path is pinned. (A writer can still skip notifying with
-- confwatch.notify = off; the versioned sweep picks such writes up.)

-- The one channel name. Stable, not immutable: replacing it must take effect in sessions that cached a plan.
create or replace function confwatch.notify_channel() returns text
    language sql
    stable
    parallel safe
    security definer
    set search_path = pg_catalog, pg_temp
as $$
    select 'confwatch_changes'::pg_catalog.text
$$;

revoke execute on function confwatch.notify_channel() from public;

-- Replaces V2's: the same payload, byte for byte, on confwatch.notify_channel() instead of a literal.
create or replace function confwatch.tenants_notify() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    if pg_catalog.current_setting('confwatch.notify', true) is distinct from 'off' then
        -- Built by hand so the payload stays exactly this, byte for byte, across server versions.
        if tg_op = 'DELETE' then
            perform pg_catalog.pg_notify(confwatch.notify_channel(),
                '{"tenant":"' || old.id::pg_catalog.text || '","version":'
                    || confwatch.version_at_delete(old)::pg_catalog.text || '}');
        else
            perform pg_catalog.pg_notify(confwatch.notify_channel(),
                '{"tenant":"' || new.id::pg_catalog.text || '","version":'
                    || new.config_version::pg_catalog.text || '}');
        end if;
    end if;
    return null;
end
$$;

revoke execute on function confwatch.tenants_notify() from public;

-- The new function belongs to whoever owns the other trigger functions (the migrating role, or the dedicated
-- owner role a later trust-boundary migration moved them to), so one role answers for all of them.
do $$
declare
    owner pg_catalog.regrole := (
        select p.proowner::pg_catalog.regrole
          from pg_catalog.pg_proc p
         where p.oid = 'confwatch.tenants_bump()'::pg_catalog.regprocedure);
begin
    execute pg_catalog.format('alter function confwatch.notify_channel() owner to %s', owner);
    execute pg_catalog.format('alter function confwatch.tenants_notify() owner to %s', owner);
end
$$;
