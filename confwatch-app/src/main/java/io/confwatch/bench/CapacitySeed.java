package io.confwatch.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The data set of {@code capacity}: tenants × monitors, seeded set-based through the shipped triggers (versions, change
 * log: what a real data set has) in chunks of one transaction each, notifications off; reused when a database already
 * holds that shape, so a million tenants are seeded once.
 */
final class CapacitySeed {
    private static final int TENANTS_PER_CHUNK = 20_000;
    private static final String MONITOR_DEFINITION =
            "jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'),"
                    + " 'addresses', jsonb_build_array('0x' || md5(t.id::text || g)),"
                    + " 'match', jsonb_build_object('event', 'Transfer', 'minValue', g))";

    /** A committed change: the tenant and the version it reached. */
    record Change(UUID tenant, long version) {}

    private CapacitySeed() {}

    /** Seeds {@code tenants} × {@code perTenant} unless the database holds exactly that; refuses anything else. */
    static void seedOnce(BenchContext context, String scenario, Connection sql, int tenants, int perTenant)
            throws SQLException {
        try (Statement s = sql.createStatement()) {
            if (BenchDatabase.seededAlready(
                    context, scenario, s, tenants, perTenant, "--capacity-tenants and --capacity-entities")) {
                return;
            }
            long started = System.nanoTime();
            boolean autoCommit = sql.getAutoCommit();
            sql.setAutoCommit(false);
            try {
                s.execute("set confwatch.notify = off");
                for (int from = 0; from < tenants; from += TENANTS_PER_CHUNK) {
                    int count = Math.min(TENANTS_PER_CHUNK, tenants - from);
                    s.execute("create temporary table chunk on commit drop as select gen_random_uuid() as id,"
                            + " 'capacity-' || g as name from generate_series(" + (from + 1) + ", " + (from + count)
                            + ") g");
                    s.execute("insert into confwatch.tenants (id, name) select id, name from chunk");
                    s.execute("insert into confwatch.monitors (tenant_id, name, definition) select t.id, 'monitor-'"
                            + " || g, " + MONITOR_DEFINITION + " from chunk t, generate_series(1, " + perTenant
                            + ") g");
                    sql.commit();
                }
                s.execute("reset confwatch.notify");
                sql.commit();
            } finally {
                sql.setAutoCommit(autoCommit);
            }
            s.execute("vacuum analyze");
            context.detail(
                    scenario,
                    String.format(
                            Locale.ROOT,
                            "seeded %d tenants × %d monitors in %.1f s",
                            tenants,
                            perTenant,
                            (System.nanoTime() - started) / 1e9));
        }
    }

    /** Changes one monitor of each of {@code k} random tenants in one transaction; returns the versions reached. */
    static List<Change> change(Connection sql, int k) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (PreparedStatement update =
                sql.prepareStatement("with picked as (select id from confwatch.tenants order by random() limit ?),"
                        + " changed as (update confwatch.monitors m set definition = jsonb_set(m.definition,"
                        + " '{match,minValue}', to_jsonb(clock_timestamp()::text)) from picked"
                        + " where m.tenant_id = picked.id and m.name = 'monitor-1' returning m.tenant_id)"
                        + " select distinct tenant_id from changed")) {
            update.setInt(1, k);
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    changes.add(new Change(rs.getObject(1, UUID.class), 0));
                }
            }
        }
        List<Change> versions = new ArrayList<>();
        try (PreparedStatement version =
                sql.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            for (Change change : changes) {
                version.setObject(1, change.tenant());
                try (ResultSet rs = version.executeQuery()) {
                    rs.next();
                    versions.add(new Change(change.tenant(), rs.getLong(1)));
                }
            }
        }
        return versions;
    }
}
