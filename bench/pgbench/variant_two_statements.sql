-- template: v2 (written against V2's invoker-rights functions; run.sh builds it from V1 + V2 as released)
-- Measurement only (UPDATE path; inserts, deletes and moves between tenants are not logged): the notifying bump
-- plus the entity log as two plain statements instead of one CTE with a full join.
\i variant_notifying_bump.sql
create or replace function confwatch.entities_log() returns trigger
    language plpgsql
as $$
declare
    kind constant text := tg_argv[0];
    actor constant text := confwatch.current_actor();
begin
    if tg_op = 'UPDATE' then
        update confwatch.tenants t set changed_at = clock_timestamp()
         where t.id in (select n.tenant_id from new_rows n);
        insert into confwatch.config_changes as c (tenant_id, entity, entity_id, op, version, changed_by)
        select n.tenant_id, kind, n.id, 'UPDATE', t.config_version, actor
          from new_rows n join confwatch.tenants t on t.id = n.tenant_id
        on conflict (tenant_id, version, entity, entity_id) do update
            set op = confwatch.merge_op(c.op, excluded.op)
            where c.op <> confwatch.merge_op(c.op, excluded.op);
    end if;
    return null;
end
$$;
