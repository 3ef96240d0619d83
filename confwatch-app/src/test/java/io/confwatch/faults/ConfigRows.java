package io.confwatch.faults;

import io.confwatch.ConfWatch;
import io.confwatch.model.Filter;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.model.Trigger;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes configuration over JDBC as an outside tool would, and compares what a worker holds with what the database
 * has — tenant row, version and every active entity, field by field.
 */
final class ConfigRows {
    private final TestDatabase db;
    private final AtomicLong names = new AtomicLong();

    ConfigRows(TestDatabase db) {
        this.db = db;
    }

    /** Creates {@code count} tenants, each with a monitor, a filter on it and a trigger; returns their ids. */
    List<UUID> tenants(int count) {
        List<UUID> ids = new ArrayList<>(count);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                UUID tenant = UUID.randomUUID();
                update(c, "insert into confwatch.tenants (id, name) values (?, ?)", tenant, "tenant-" + i);
                UUID monitor = UUID.randomUUID();
                update(
                        c,
                        "insert into confwatch.monitors (id, tenant_id, name, definition) values (?, ?, ?, ?::jsonb)",
                        monitor,
                        tenant,
                        "m-" + names.incrementAndGet(),
                        monitorOn("ethereum_mainnet"));
                update(
                        c,
                        "insert into confwatch.filters (tenant_id, name, definition, monitor_id)"
                                + " values (?, ?, ?::jsonb, ?)",
                        tenant,
                        "f-" + names.incrementAndGet(),
                        "{\"expression\": \"value > 1\"}",
                        monitor);
                update(
                        c,
                        "insert into confwatch.triggers (tenant_id, name, definition) values (?, ?, ?::jsonb)",
                        tenant,
                        "t-" + names.incrementAndGet(),
                        webhook("https://hooks.example/" + i));
                ids.add(tenant);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** Points the tenant's first monitor at {@code network}: one committed change, one version. */
    void redefine(UUID tenant, String network) {
        try (Connection c = db.connect()) {
            update(
                    c,
                    "update confwatch.monitors set definition = ?::jsonb where id ="
                            + " (select id from confwatch.monitors where tenant_id = ? order by id limit 1)",
                    monitorOn(network),
                    tenant);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One random committed change to {@code tenant}, in one transaction: add, redefine, rename, switch off or on, or
     * delete an entity of any kind, rename the tenant or change its status, or several of these at once.
     */
    void randomChange(Random random, UUID tenant) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            int changes = random.nextInt(8) == 0 ? 2 + random.nextInt(3) : 1;
            for (int i = 0; i < changes; i++) {
                oneChange(c, random, tenant);
            }
            c.commit();
        }
    }

    private void oneChange(Connection c, Random random, UUID tenant) throws SQLException {
        String table = List.of("monitors", "filters", "triggers").get(random.nextInt(3));
        String pick = "(select id from confwatch." + table + " where tenant_id = ? order by random() limit 1)";
        switch (random.nextInt(9)) {
            case 0, 1 -> insert(c, table, tenant, random);
            case 2, 3 ->
                update(
                        c,
                        "update confwatch." + table + " set definition = ?::jsonb where id = " + pick,
                        definition(table, random),
                        tenant);
            case 4 ->
                update(
                        c,
                        "update confwatch." + table + " set name = ? where id = " + pick,
                        shortName(table) + names.incrementAndGet(),
                        tenant);
            case 5 ->
                update(c, "update confwatch." + table + " set is_active = not is_active where id = " + pick, tenant);
            case 6 -> update(c, "delete from confwatch." + table + " where id = " + pick, tenant);
            case 7 ->
                update(
                        c,
                        "update confwatch.tenants set name = ? where id = ?",
                        "tenant-" + names.incrementAndGet(),
                        tenant);
            default ->
                update(
                        c,
                        "update confwatch.tenants set status = ? where id = ?",
                        List.of("active", "trial", "suspended", "inactive").get(random.nextInt(4)),
                        tenant);
        }
    }

    private void insert(Connection c, String table, UUID tenant, Random random) throws SQLException {
        String name = shortName(table) + names.incrementAndGet();
        if (table.equals("filters")) {
            update(
                    c,
                    "insert into confwatch.filters (tenant_id, name, definition, monitor_id) values (?, ?, ?::jsonb,"
                            + " (select id from confwatch.monitors where tenant_id = ? order by random() limit 1))",
                    tenant,
                    name,
                    definition(table, random),
                    tenant);
        } else {
            update(
                    c,
                    "insert into confwatch." + table + " (tenant_id, name, definition) values (?, ?, ?::jsonb)",
                    tenant,
                    name,
                    definition(table, random));
        }
    }

    /** Tenants whose snapshot in {@code confWatch} differs from the database now, each with how; empty when none. */
    List<String> differences(ConfWatch confWatch) {
        Map<UUID, Expected> expected = readAll();
        List<String> differences = new ArrayList<>();
        expected.forEach((tenant, want) -> {
            Optional<TenantSnapshot> held = confWatch.snapshot(tenant);
            if (held.isEmpty()) {
                differences.add(tenant + ": not held (database at version " + want.version + ")");
                return;
            }
            TenantSnapshot got = held.get();
            if (got.version() != want.version) {
                differences.add(tenant + ": version " + got.version() + ", database " + want.version);
            } else if (!got.name().equals(want.name)
                    || !got.status().equals(want.status)
                    || !Set.copyOf(got.monitors()).equals(want.monitors)
                    || !Set.copyOf(got.filters()).equals(want.filters)
                    || !Set.copyOf(got.triggers()).equals(want.triggers)
                    || !got.invalid().isEmpty()) {
                differences.add(tenant + ": same version " + want.version + ", different content");
            }
        });
        confWatch.tenants().stream()
                .filter(snapshot -> !expected.containsKey(snapshot.tenant()))
                .forEach(snapshot -> differences.add(snapshot.tenant() + ": held, but not in the database"));
        return differences;
    }

    /** Every tenant and active entity, read in one repeatable-read transaction (one consistent snapshot). */
    private Map<UUID, Expected> readAll() {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Map<UUID, Expected> all = new HashMap<>();
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select id, name, status, config_version from confwatch.tenants")) {
                    while (rs.next()) {
                        all.put(
                                rs.getObject(1, UUID.class),
                                new Expected(rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
                String columns = "select id, tenant_id, name, definition::text, updated_at, updated_by";
                try (ResultSet rs = s.executeQuery(columns + " from confwatch.monitors where is_active")) {
                    while (rs.next()) {
                        all.get(tenantOf(rs))
                                .monitors
                                .add(new Monitor(
                                        rs.getObject(1, UUID.class),
                                        rs.getString(3),
                                        rs.getString(4),
                                        instant(rs),
                                        by(rs)));
                    }
                }
                try (ResultSet rs = s.executeQuery(columns + ", monitor_id from confwatch.filters where is_active")) {
                    while (rs.next()) {
                        all.get(tenantOf(rs))
                                .filters
                                .add(new Filter(
                                        rs.getObject(1, UUID.class),
                                        rs.getString(3),
                                        rs.getString(4),
                                        instant(rs),
                                        by(rs),
                                        rs.getObject(7, UUID.class)));
                    }
                }
                try (ResultSet rs = s.executeQuery(columns + " from confwatch.triggers where is_active")) {
                    while (rs.next()) {
                        all.get(tenantOf(rs))
                                .triggers
                                .add(new Trigger(
                                        rs.getObject(1, UUID.class),
                                        rs.getString(3),
                                        rs.getString(4),
                                        instant(rs),
                                        by(rs)));
                    }
                }
            }
            c.commit();
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String monitorOn(String network) {
        return "{\"networks\": [\"" + network + "\"], \"addresses\": [\"0xabc\"], \"match\": {}}";
    }

    private static String webhook(String url) {
        return "{\"type\": \"webhook\", \"url\": \"" + url + "\"}";
    }

    private static String definition(String table, Random random) {
        return switch (table) {
            case "monitors" -> monitorOn("net_" + random.nextInt(1_000));
            case "filters" -> "{\"expression\": \"value > " + random.nextInt(1_000) + "\"}";
            default -> webhook("https://hooks.example/" + random.nextInt(1_000));
        };
    }

    private static String shortName(String table) {
        return table.substring(0, 1) + "-";
    }

    private static UUID tenantOf(ResultSet rs) throws SQLException {
        return rs.getObject(2, UUID.class);
    }

    private static Instant instant(ResultSet rs) throws SQLException {
        return rs.getObject(5, OffsetDateTime.class).toInstant();
    }

    private static String by(ResultSet rs) throws SQLException {
        return rs.getString(6);
    }

    private static void update(Connection c, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                s.setObject(i + 1, arguments[i]);
            }
            s.execute();
        }
    }

    /** A tenant as the database has it. */
    private static final class Expected {
        final String name;
        final String status;
        final long version;
        final Set<Monitor> monitors = new HashSet<>();
        final Set<Filter> filters = new HashSet<>();
        final Set<Trigger> triggers = new HashSet<>();

        Expected(String name, String status, long version) {
            this.name = name;
            this.status = status;
            this.version = version;
        }
    }
}
