-- ConfWatch version 10: statistics for V8's slot expression on a database that already holds tenants (issue 15).
--
-- A sharded worker finds the tenants it owns by `confwatch.tenant_slot(id) = any(<its slots>)` through V8's expression
-- index tenants_slot_idx. PostgreSQL keeps statistics on an indexed expression only from the next ANALYZE of the
-- table after the index exists; until then the planner costs `= any(<164 slots>)` by its default estimate (82 % of the
-- tenants for a pod owning 1/100 of them) and scans every tenant, computing an md5 per row: measured on PostgreSQL 15
-- with 100,000 tenants, a pod of 100 read its versions in 125 ms over 1,847 blocks instead of 17 ms over 1,251
-- (docs/benchmarks.md). Autovacuum analyzes the table only after a tenth of its rows changed, which on a large, quiet
-- fleet can take days. So this analyzes it once, where it holds rows. (On an empty table — a new installation — it
-- does nothing: "0 rows" recorded before the first bulk insert misleads the start-up's page plan until autovacuum,
-- V8's note; autovacuum analyzes a table that grows from empty soon enough.)
--
-- Requires V1-V9. Flyway runs this file as db/migration/V10__slot_statistics.sql; by hand:
--
--     psql -v ON_ERROR_STOP=1 -1 -f sql/V10__slot_statistics.sql
--
-- Re-running it is harmless. What it costs: one ANALYZE of confwatch.tenants (a sample of at most 30,000 rows at the
-- default statistics target; a SHARE UPDATE EXCLUSIVE lock, which blocks neither reads nor writes). A migrating role
-- that does not own the table gets a warning instead and the statistics come with autovacuum, as before.

do $$
begin
    if exists (select from confwatch.tenants) then
        analyze confwatch.tenants;
    end if;
end
$$;
