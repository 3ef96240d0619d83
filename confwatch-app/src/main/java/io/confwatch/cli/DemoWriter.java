package io.confwatch.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The demo's writer: plain SQL, as any other tool would write configuration. */
final class DemoWriter {
    private static final String[] TENANTS = {"acme-mainnet", "globex-l2", "initech-bridge"};

    private final Connection sql;
    private final Map<UUID, Integer> steps = new HashMap<>();
    private long commitStartedNanos;

    record Tenant(UUID id, String name, long version) {}

    record Change(Tenant tenant, long version, String description, long commitStartedNanos) {}

    DemoWriter(Connection sql) {
        this.sql = sql;
    }

    /** Creates the demo tenants, each with a monitor, a filter and a trigger; returns them with their versions. */
    List<Tenant> seed() throws SQLException {
        List<Tenant> tenants = new ArrayList<>();
        for (String name : TENANTS) {
            UUID id = UUID.randomUUID();
            long version = inTransaction(id, () -> {
                update("insert into confwatch.tenants (id, name) values (?, ?)", id, name);
                update(
                        "insert into confwatch.monitors (tenant_id, name, definition) values (?, 'large-transfers', "
                                + "'{\"networks\":[\"ethereum_mainnet\"],\"addresses\":[\"0xa0b8\"],"
                                + "\"match\":{\"event\":\"Transfer\",\"minValue\":1000}}')",
                        id);
                update(
                        "insert into confwatch.filters (tenant_id, name, definition) values (?, 'business-hours', "
                                + "'{\"expression\":\"hour >= 8 and hour < 18\"}')",
                        id);
                update(
                        "insert into confwatch.triggers (tenant_id, name, definition) values (?, 'ops-webhook', "
                                + "'{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/ops\"}')",
                        id);
            });
            tenants.add(new Tenant(id, name, version));
        }
        return tenants;
    }

    /** Makes the next change to {@code tenant} in one transaction and returns the version it committed. */
    Change changeOne(Tenant tenant) throws SQLException {
        // Each tenant goes through update, insert, soft delete, hard delete in turn.
        int step = steps.merge(tenant.id(), 1, Integer::sum);
        int kind = (step - 1) % 4;
        String description;
        commitStartedNanos = 0;
        long version;
        switch (kind) {
            case 0 -> {
                long threshold = 1000L * (2 + step);
                description = "monitor 'large-transfers' minValue=" + threshold;
                version = inTransaction(
                        tenant.id(),
                        () -> update(
                                "update confwatch.monitors set definition = jsonb_set(definition, '{match,minValue}', "
                                        + "to_jsonb(?::bigint)) where tenant_id = ? and name = 'large-transfers'",
                                threshold,
                                tenant.id()));
            }
            case 1 -> {
                description = "filter 'weekend-" + step + "' inserted";
                version = inTransaction(
                        tenant.id(),
                        () -> update(
                                "insert into confwatch.filters (tenant_id, name, definition) values (?, ?, "
                                        + "'{\"expression\":\"day in (sat, sun)\"}')",
                                tenant.id(),
                                "weekend-" + step));
            }
            case 2 -> {
                description = "trigger 'ops-webhook' toggled (soft delete)";
                version = inTransaction(
                        tenant.id(),
                        () -> update(
                                "update confwatch.triggers set is_active = not is_active where tenant_id = ? "
                                        + "and name = 'ops-webhook'",
                                tenant.id()));
            }
            default -> {
                description = "weekend filters deleted (hard delete)";
                version = inTransaction(
                        tenant.id(),
                        () -> update(
                                "delete from confwatch.filters where tenant_id = ? and name like 'weekend-%'",
                                tenant.id()));
            }
        }
        return new Change(tenant, version, description, commitStartedNanos);
    }

    private interface Work {
        void run() throws SQLException;
    }

    private long inTransaction(UUID tenant, Work work) throws SQLException {
        sql.setAutoCommit(false);
        try {
            update("set local confwatch.actor = 'demo-writer'");
            work.run();
            long version;
            try (PreparedStatement read =
                    sql.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
                read.setObject(1, tenant);
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            commitStartedNanos = System.nanoTime();
            sql.commit();
            return version;
        } catch (SQLException e) {
            sql.rollback();
            throw e;
        } finally {
            sql.setAutoCommit(true);
        }
    }

    private void update(String statement, Object... arguments) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement(statement)) {
            for (int i = 0; i < arguments.length; i++) {
                ps.setObject(i + 1, arguments[i]);
            }
            ps.execute();
        }
    }
}
