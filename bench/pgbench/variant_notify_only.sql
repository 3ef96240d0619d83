-- Reference: no change tracking, only one pg_notify per statement, to price NOTIFY's commit-time
-- serialization by itself.
alter table confwatch.tenants disable trigger user;
alter table confwatch.monitors disable trigger user;
alter table confwatch.filters disable trigger user;
alter table confwatch.triggers disable trigger user;

create or replace function confwatch.bench_notify_only() returns trigger
    language plpgsql
as $$
begin
    perform pg_notify('confwatch_changes', '{"tenant":"00000000-0000-0000-0000-000000000000","version":0}');
    return null;
end
$$;

create trigger monitors_bench_notify_only
    after update on confwatch.monitors
    for each statement execute function confwatch.bench_notify_only();
