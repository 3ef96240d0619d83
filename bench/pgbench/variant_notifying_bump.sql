-- template: v2 (written against V2's invoker-rights functions; run.sh builds it from V1 + V2 as released)
-- Measurement variant: the tenant bump trigger also sends the notification (one plpgsql call fewer per
-- transaction; the AFTER ROW notify trigger on tenants is dropped).
create or replace function confwatch.tenants_bump() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        new.config_version := 1 + coalesce(
            (select max(c.version) from confwatch.config_changes c where c.tenant_id = new.id), 0);
        new.version_xid := pg_current_xact_id();
        new.updated_at := now();
        new.updated_by := confwatch.current_actor();
    else
        if old.version_xid is distinct from pg_current_xact_id() then
            new.config_version := old.config_version + 1;
            new.version_xid := pg_current_xact_id();
            if current_setting('confwatch.notify', true) is distinct from 'off' then
                perform pg_notify('confwatch_changes',
                    '{"tenant":"' || new.id || '","version":' || new.config_version || '}');
            end if;
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
drop trigger if exists tenants_notify_update on confwatch.tenants;
