package io.confwatch.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Seeds tenants and monitors through plain SQL, as any writer would, with set-based inserts. */
public final class Seeder {
    private static final String MONITOR_DEFINITION =
            "jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'),"
                    + " 'addresses', jsonb_build_array('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'),"
                    + " 'match', jsonb_build_object('event', 'Transfer', 'minValue', g))";

    private Seeder() {}

    /** Creates one tenant with {@code monitors} monitors in one transaction; returns its id. */
    public static UUID tenant(Connection sql, String name, int monitors) throws SQLException {
        return tenants(sql, name, 1, monitors).get(0);
    }

    /** Creates {@code count} tenants with {@code monitors} monitors each, a few thousand monitors per statement. */
    public static List<UUID> tenants(Connection sql, String prefix, int count, int monitors) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID());
        }
        int perBatch = Math.max(1, 5_000 / Math.max(1, monitors));
        for (int from = 0; from < count; from += perBatch) {
            List<UUID> batch = ids.subList(from, Math.min(count, from + perBatch));
            Array array = sql.createArrayOf("uuid", batch.toArray());
            try (PreparedStatement tenants = sql.prepareStatement(
                            "insert into confwatch.tenants (id, name) select t, ? || '-' || t from unnest(?::uuid[]) t");
                    PreparedStatement entities = sql.prepareStatement(
                            "insert into confwatch.monitors (tenant_id, name, definition) select t, 'monitor-' || g, "
                                    + MONITOR_DEFINITION + " from unnest(?::uuid[]) t, generate_series(1, ?) g")) {
                tenants.setString(1, prefix);
                tenants.setArray(2, array);
                tenants.executeUpdate();
                entities.setArray(1, array);
                entities.setInt(2, monitors);
                entities.executeUpdate();
            }
        }
        return ids;
    }

    /** The tenant's committed version. */
    public static long version(Connection sql, UUID tenant) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The id of one monitor of {@code tenant}, the one a series of single-row updates changes. */
    public static UUID someMonitor(Connection sql, UUID tenant) throws SQLException {
        try (PreparedStatement ps =
                sql.prepareStatement("select id from confwatch.monitors where tenant_id = ? and name = 'monitor-1'")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** A single-row update of {@code monitor}, in autocommit: one transaction, one version bump. */
    public static PreparedStatement updateMonitor(Connection sql) throws SQLException {
        return sql.prepareStatement(
                "update confwatch.monitors set definition = jsonb_set(definition, '{match,minValue}',"
                        + " to_jsonb(?::bigint)) where id = ?");
    }
}
