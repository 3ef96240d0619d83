-- ConfWatch schema, version 1: tenants, their monitors, filters and triggers, and the change log.
--
-- Requires PostgreSQL 13 or later. Flyway runs this file as db/migration/V1__schema.sql. To apply
-- the migrations by hand instead, in order, each in one transaction:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V1__schema.sql
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V2__change_tracking.sql
--     psql -v ON_ERROR_STOP=1 -1 -f sql/roles.sql
--
-- Re-running it is harmless: existing objects are kept as they are.

do $$
begin
    -- xid8 and pg_current_xact_id() (used by V2) and a built-in gen_random_uuid() arrived in 13.
    if current_setting('server_version_num')::int < 130000 then
        raise exception 'ConfWatch needs PostgreSQL 13 or later, this server is %',
            current_setting('server_version');
    end if;
end
$$;

create schema if not exists confwatch;

create or replace function confwatch.current_actor() returns text
    language sql
    stable
    parallel safe
as $$
    select coalesce(nullif(current_setting('confwatch.actor', true), ''), current_user::text)
$$;

comment on function confwatch.current_actor() is
    'Who is writing: the session setting confwatch.actor when a tool sets it, else current_user.';

create table if not exists confwatch.tenants (
    id             uuid primary key,
    name           text not null,
    status         text not null default 'active'
                   check (status in ('active', 'trial', 'suspended', 'inactive')),
    config_version bigint not null default 0,
    changed_at     timestamptz not null default clock_timestamp(),
    version_xid    xid8,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    updated_by     text not null default confwatch.current_actor()
);

comment on column confwatch.tenants.config_version is
    'Maintained by triggers only: +1 per committed transaction that changed this tenant or its entities.';
comment on column confwatch.tenants.changed_at is
    'clock_timestamp() of the last change to this tenant or its entities.';
comment on column confwatch.tenants.version_xid is
    'The transaction that last bumped config_version, so a transaction bumps it only once.';

create table if not exists confwatch.monitors (
    id         uuid primary key default gen_random_uuid(),
    tenant_id  uuid not null references confwatch.tenants on delete cascade,
    name       text not null,
    definition jsonb not null check (jsonb_typeof(definition) = 'object'),
    is_active  boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text not null default confwatch.current_actor(),
    unique (tenant_id, name)
);

create table if not exists confwatch.filters (
    id         uuid primary key default gen_random_uuid(),
    tenant_id  uuid not null references confwatch.tenants on delete cascade,
    monitor_id uuid references confwatch.monitors on delete set null,
    name       text not null,
    definition jsonb not null check (jsonb_typeof(definition) = 'object'),
    is_active  boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text not null default confwatch.current_actor(),
    unique (tenant_id, name)
);

-- Deleting a monitor looks up its filters to set monitor_id null; without this that is a full scan.
create index if not exists filters_monitor_id_idx on confwatch.filters (monitor_id);

create table if not exists confwatch.triggers (
    id         uuid primary key default gen_random_uuid(),
    tenant_id  uuid not null references confwatch.tenants on delete cascade,
    name       text not null,
    definition jsonb not null check (jsonb_typeof(definition) = 'object'),
    is_active  boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text not null default confwatch.current_actor(),
    unique (tenant_id, name)
);

-- No foreign key to tenants: the log must outlive the tenants and entities it records.
create table if not exists confwatch.config_changes (
    seq        bigserial primary key,
    tenant_id  uuid not null,
    entity     text not null check (entity in ('tenant', 'monitor', 'filter', 'trigger')),
    entity_id  uuid not null,
    op         text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
    version    bigint not null,
    changed_at timestamptz not null default clock_timestamp(),
    changed_by text not null,
    -- One row per changed entity per transaction; also serves "changes of tenant T after version V".
    constraint config_changes_tenant_version_entity_key unique (tenant_id, version, entity, entity_id)
);
