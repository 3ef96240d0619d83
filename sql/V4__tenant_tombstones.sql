-- ConfWatch version 4: a tenant id's versions never repeat, even after the change-log retention has
-- purged the rows of a deleted tenant.
--
-- Requires V1__schema.sql, V2__change_tracking.sql and V3__trust_boundary.sql (the owner role). Flyway runs this file as
-- db/migration/V4__tenant_tombstones.sql. To apply it by hand, in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V4__tenant_tombstones.sql
--
-- V2 numbers a re-created tenant from the change log (1 + the highest version logged for its id).
-- Once retention has deleted those rows, a tenant deleted and created again would start over at 1,
-- and a worker still holding the old tenant at version N would take versions 1..N of the new one for
-- stale hints. A tombstone keeps each deleted tenant id's last version for good (one small row per
-- deleted id; retention never touches it), and a re-created tenant continues above it.
--
-- Functions added here (none of V2's or V3's are replaced): confwatch.tenants_tombstone() and
-- confwatch.tenants_renumber(). Like V3's, they run as their owner (SECURITY DEFINER) with a pinned
-- search_path, name everything schema-qualified (greatest is syntax, not a function), and EXECUTE
-- is revoked from PUBLIC.

create table if not exists confwatch.tenant_tombstones (
    tenant_id    uuid primary key,
    last_version bigint not null
);

comment on table confwatch.tenant_tombstones is
    'The last config_version of every deleted tenant id, kept for good: a tenant created again under the same id '
    'continues above it. Written only by trigger; never purged.';

revoke all on table confwatch.tenant_tombstones from public;

-- After a tenant row is deleted: remember its last version (the delete's own, as the change log has it).
create or replace function confwatch.tenants_tombstone() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
begin
    insert into confwatch.tenant_tombstones as t (tenant_id, last_version)
    values (old.id, confwatch.version_at_delete(old))
    on conflict (tenant_id) do update
        set last_version = greatest(t.last_version, excluded.last_version);
    return null;
end
$$;

-- Before a tenant row is inserted, after tenants_bump has numbered it from the log (triggers of one
-- kind fire in name order: tenants_bump < tenants_renumber): never at or below a tombstone.
create or replace function confwatch.tenants_renumber() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, pg_temp
as $$
declare
    buried bigint;
begin
    select t.last_version into buried from confwatch.tenant_tombstones t where t.tenant_id = new.id;
    if buried is not null and new.config_version <= buried then
        new.config_version := buried + 1;
    end if;
    return new;
end
$$;

revoke execute on function confwatch.tenants_tombstone() from public;
revoke execute on function confwatch.tenants_renumber() from public;

-- The functions that keep versions belong to confwatch_owner (V3, the trust boundary): these two join them, with
-- the rights on the tombstones they need; writers get none.
alter function confwatch.tenants_tombstone() owner to confwatch_owner;
alter function confwatch.tenants_renumber() owner to confwatch_owner;
grant select, insert, update on confwatch.tenant_tombstones to confwatch_owner;

drop trigger if exists tenants_tombstone on confwatch.tenants;
create trigger tenants_tombstone
    after delete on confwatch.tenants
    for each row execute function confwatch.tenants_tombstone();

drop trigger if exists tenants_renumber on confwatch.tenants;
create trigger tenants_renumber
    before insert on confwatch.tenants
    for each row execute function confwatch.tenants_renumber();

-- Tenants deleted before this migration: their last logged versions, as far as the log still has them.
insert into confwatch.tenant_tombstones (tenant_id, last_version)
select c.tenant_id, max(c.version)
  from confwatch.config_changes c
 where not exists (select from confwatch.tenants t where t.id = c.tenant_id)
 group by c.tenant_id
on conflict (tenant_id) do update
    set last_version = greatest(confwatch.tenant_tombstones.last_version, excluded.last_version);
