-- 1000 tenants x 10 monitors; monitor n (1..10000) has id 00000000-0000-4000-8000-<n in hex> so
-- update_monitor.sql can address a random one without a lookup table.
set confwatch.notify = off;
insert into confwatch.tenants (id, name)
select ('00000000-0000-4000-9000-' || lpad(to_hex(t), 12, '0'))::uuid, 'tenant ' || t
  from generate_series(1, 1000) t;
insert into confwatch.monitors (id, tenant_id, name, definition)
select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex((n - 1) / 10 + 1), 12, '0'))::uuid,
       'monitor ' || n,
       jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'), 'addresses', jsonb_build_array('0x' || md5(n::text)))
  from generate_series(1, 10000) n;
vacuum analyze;
