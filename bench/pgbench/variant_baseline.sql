-- No triggers at all: the writer's cost floor.
alter table confwatch.tenants disable trigger user;
alter table confwatch.monitors disable trigger user;
alter table confwatch.filters disable trigger user;
alter table confwatch.triggers disable trigger user;
