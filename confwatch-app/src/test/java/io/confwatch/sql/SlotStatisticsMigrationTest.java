package io.confwatch.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.config.SlotOwnership;
import io.confwatch.config.TenantSlot;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upgrading a database that already holds tenants to V10: a sharded pod's owned-tenant read goes through the slot
 * index at once, not after autovacuum happens to analyze the table (V8 left the expression without statistics, and
 * the default estimate scans every tenant, computing an md5 per row).
 */
@ExtendWith(PostgresExtension.class)
class SlotStatisticsMigrationTest {
    private static final String DATABASE = "cw_slot_statistics";

    @Test
    void upgrade_manyTenantsWithoutExpressionStatistics_ownedVersionsReadThroughTheSlotIndex(
            PostgresExtension.Server server) throws SQLException {
        JdbcTarget admin = server.admin();
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
            s.execute("create database " + DATABASE + " with template template0");
        }
        JdbcTarget target =
                new JdbcTarget(admin.host(), admin.port(), DATABASE, admin.user(), admin.password(), admin.sslMode());
        Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .schemas(Migrations.SCHEMA)
                .locations("classpath:db/migration")
                .target("9")
                .load()
                .migrate();
        try (Connection c = connect(target);
                Statement s = c.createStatement()) {
            s.execute("alter table confwatch.tenants set (autovacuum_enabled = false)");
            s.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'bulk-' || g"
                    + " from generate_series(1, 20000) g");
        }

        Migrations.apply(target);

        // What pod 0 of 100 owns: about 164 of the slots.
        String slots = IntStream.range(0, TenantSlot.COUNT)
                .filter(slot -> SlotOwnership.owner(slot, 100) == 0)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(",", "{", "}"));
        try (Connection c = connect(target);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("explain select id, config_version, changed_at from confwatch.tenants"
                        + " where confwatch.tenant_slot(id) = any('" + slots + "'::int4[])")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("tenants_slot_idx").doesNotContain("Seq Scan on tenants");
        } finally {
            try (Connection c = connect(admin);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + DATABASE + " with (force)");
            }
        }
    }

    private static Connection connect(JdbcTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }
}
