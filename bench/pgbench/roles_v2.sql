-- The writer's grants of sql/roles.sql as released with V2 (before V3's trust boundary): the triggers
-- ran with the writer's rights, so it had to be allowed to write the change log. Only the v2_*
-- variants use this, to price V3 against what it replaced.
grant usage on schema confwatch to confwatch_writer;
grant select, insert, update, delete on confwatch.tenants, confwatch.monitors, confwatch.filters,
    confwatch.triggers to confwatch_writer;
grant select (tenant_id, version, entity, entity_id, op), insert, update (op)
    on confwatch.config_changes to confwatch_writer;
grant usage on sequence confwatch.config_changes_seq_seq to confwatch_writer;
