package io.confwatch.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** JDBC helpers for the SQL contract tests: tenants, entities, versions and the change log. */
final class ConfigDb {
    /** The entity tables, which all share the columns these helpers write. */
    static final Set<String> ENTITY_TABLES = Set.of("monitors", "filters", "triggers");

    private ConfigDb() {}

    /** One row of {@code confwatch.config_changes}. */
    record Change(String entity, UUID entityId, String op, long version, String changedBy) {}

    /** Inserts a tenant with a fresh id and returns the id. */
    static UUID insertTenant(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("insert into confwatch.tenants (id, name) values (?, ?)")) {
            s.setObject(1, id);
            s.setString(2, "tenant " + id);
            s.executeUpdate();
        }
        return id;
    }

    /** Inserts an entity named {@code name} into {@code table} (monitors, filters or triggers) and returns its id. */
    static UUID insertEntity(Connection c, String table, UUID tenant, String name) throws SQLException {
        if (!ENTITY_TABLES.contains(table)) {
            throw new IllegalArgumentException("not an entity table: " + table);
        }
        try (PreparedStatement s = c.prepareStatement("insert into confwatch." + table
                + " (tenant_id, name, definition) values (?, ?, '{\"networks\": [\"ethereum_mainnet\"]}')"
                + " returning id")) {
            s.setObject(1, tenant);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** The tenant's {@code config_version}, or -1 when the tenant does not exist. */
    static long version(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The tenant's change-log rows in the order they were written. */
    static List<Change> changes(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select entity, entity_id, op, version, changed_by"
                + " from confwatch.config_changes where tenant_id = ? order by seq")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                List<Change> changes = new ArrayList<>();
                while (rs.next()) {
                    changes.add(new Change(
                            rs.getString(1),
                            rs.getObject(2, UUID.class),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getString(5)));
                }
                return changes;
            }
        }
    }

    /** Runs one data-changing statement with {@code args} bound in order and returns the update count. */
    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args)) {
            return s.executeUpdate();
        }
    }

    /** Runs one statement of any kind with {@code args} bound in order, ignoring what it returns. */
    static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args)) {
            s.execute();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }

    /** The notification payload the triggers send for {@code tenant} at {@code version}. */
    static String payload(UUID tenant, long version) {
        return "{\"tenant\":\"" + tenant + "\",\"version\":" + version + "}";
    }
}
