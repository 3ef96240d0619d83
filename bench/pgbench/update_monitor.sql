\set n random(1, 10000)
update confwatch.monitors
   set definition = jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'), 'rev', :n::int)
 where id = ('00000000-0000-4000-8000-' || lpad(to_hex(:n::int), 12, '0'))::uuid;
