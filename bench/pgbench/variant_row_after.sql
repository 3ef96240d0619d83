-- template: v2 (written against V2's invoker-rights functions; run.sh builds it from V1 + V2 as released)
-- Comparison: the same change tracking with per-row AFTER triggers instead of per-statement
-- triggers with transition tables (tenant touch + change row per changed row).
drop trigger monitors_log_insert on confwatch.monitors;
drop trigger monitors_log_update on confwatch.monitors;
drop trigger monitors_log_delete on confwatch.monitors;

create or replace function confwatch.bench_entities_log_row() returns trigger
    language plpgsql
as $$
declare
    tenant uuid;
    changed_entity uuid;
    tenant_version bigint;
begin
    if tg_op = 'DELETE' then
        tenant := old.tenant_id;
        changed_entity := old.id;
    else
        tenant := new.tenant_id;
        changed_entity := new.id;
    end if;
    update confwatch.tenants t
       set changed_at = clock_timestamp()
     where t.id = tenant
    returning t.config_version into tenant_version;
    if found then
        insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
        values (tenant, tg_argv[0], changed_entity, tg_op, tenant_version, confwatch.current_actor())
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    end if;
    return null;
end
$$;

create trigger monitors_log_row
    after insert or update or delete on confwatch.monitors
    for each row execute function confwatch.bench_entities_log_row('monitor');
