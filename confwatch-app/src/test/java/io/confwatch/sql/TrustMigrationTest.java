package io.confwatch.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cli.Cli;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Upgrading a live V2 database to V3: rows that break the new rules, and a migrating role that is not a superuser. */
@ExtendWith(PostgresExtension.class)
class TrustMigrationTest {
    private static final UUID A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-4000-8000-00000000000b");
    private static final UUID MONITOR_OF_A = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
    private static final UUID FILTER_OF_A = UUID.fromString("00000000-0000-4000-8000-0000000000fa");
    private static final UUID FILTER_OF_B = UUID.fromString("00000000-0000-4000-8000-0000000000fb");

    @Test
    void upgrade_filterNamingAnotherTenantsMonitor_isUnlinkedThroughTheTriggersAndRecorded(
            PostgresExtension.Server server) throws SQLException {
        JdbcTarget target = freshDatabase(server, "v2_crossing");
        Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .schemas(Migrations.SCHEMA)
                .locations("classpath:db/migration")
                .target("2")
                .load()
                .migrate();
        try (Connection c = connect(target);
                Statement s = c.createStatement()) {
            s.execute("insert into confwatch.tenants (id, name) values ('" + A + "', 'a'), ('" + B + "', 'b')");
            s.execute("insert into confwatch.monitors (id, tenant_id, name, definition)" + " values ('" + MONITOR_OF_A
                    + "', '" + A + "', 'm', '{}')");
            s.execute("insert into confwatch.filters (id, tenant_id, name, definition, monitor_id) values"
                    + " ('" + FILTER_OF_A + "', '" + A + "', 'f', '{}', '" + MONITOR_OF_A + "'),"
                    + " ('" + FILTER_OF_B + "', '" + B + "', 'f', '{}', '" + MONITOR_OF_A + "')");
        }

        Migrations.apply(target);

        try (Connection c = connect(target)) {
            assertThat(rows(c, "select id || ' -> ' || coalesce(monitor_id::text, 'null') from confwatch.filters"))
                    .containsExactlyInAnyOrder(FILTER_OF_A + " -> " + MONITOR_OF_A, FILTER_OF_B + " -> null");
            assertThat(rows(
                            c,
                            "select filter_id || ' ' || tenant_id || ' ' || monitor_id || ' ' || monitor_tenant_id"
                                    + " from confwatch.v3_cleared_filter_links"))
                    .containsExactly(FILTER_OF_B + " " + B + " " + MONITOR_OF_A + " " + A);
            assertThat(rows(
                            c,
                            "select entity || ' ' || op || ' ' || version || ' ' || changed_by"
                                    + " from confwatch.config_changes where tenant_id = '" + B + "' order by seq"))
                    .containsExactly(
                            "tenant INSERT 1 " + target.user(),
                            "filter INSERT 2 " + target.user(),
                            "filter UPDATE 3 confwatch migration V3");
            assertThat(rows(
                            c,
                            "select convalidated::text from pg_constraint"
                                    + " where conname = 'filters_monitor_same_tenant_fkey'"))
                    .containsExactly("true");
        }
    }

    @Test
    void migrate_asALoginThatIsNotAMemberOfConfwatchOwner_failsSayingWhatToGrantThenWorksOnceGranted(
            PostgresExtension.Server server) throws SQLException {
        String migrator = "cw_test_migrator_" + UUID.randomUUID().toString().substring(0, 8);
        String database = migrator + "_db";
        JdbcTarget admin = server.admin();
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            s.execute("create role " + migrator + " login password 'pw'");
            s.execute("create database " + database + " owner " + migrator);
        }
        try {
            Map<String, String> env = Map.of(
                    "PGHOST",
                    admin.host(),
                    "PGPORT",
                    Integer.toString(admin.port()),
                    "PGDATABASE",
                    database,
                    "PGUSER",
                    migrator,
                    "PGPASSWORD",
                    "pw");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int refused = Cli.run(
                    new String[] {"migrate"},
                    env,
                    new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(refused).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip())
                    .doesNotContain("\n")
                    .contains("V3__trust_boundary.sql", "confwatch_owner", "grant confwatch_owner to " + migrator);

            try (Connection c = connect(admin);
                    Statement s = c.createStatement()) {
                s.execute("grant confwatch_owner to " + migrator);
            }
            assertThat(Cli.run(
                            new String[] {"migrate"},
                            env,
                            new PrintStream(new ByteArrayOutputStream()),
                            new PrintStream(new ByteArrayOutputStream())))
                    .isZero();

            // What V4 and later may do as the migrating role: replace a function confwatch_owner owns, add one.
            JdbcTarget asMigrator = new JdbcTarget(admin.host(), admin.port(), database, migrator, "pw", "disable");
            try (Connection c = connect(asMigrator);
                    Statement s = c.createStatement()) {
                s.execute(
                        """
                        create or replace function confwatch.entities_stamp() returns trigger
                            language plpgsql security definer set search_path = pg_catalog, pg_temp
                        as $$ begin new.updated_at := pg_catalog.now(); new.updated_by := confwatch.current_actor();
                                    return new; end $$""");
                s.execute("create function confwatch.v4_example() returns int language sql security definer"
                        + " set search_path = pg_catalog, pg_temp as $$ select 1 $$");
                s.execute("alter function confwatch.v4_example() owner to confwatch_owner");
                s.execute("revoke all on function confwatch.v4_example() from public");
                assertThat(rows(
                                c,
                                "select proname || ' ' || proowner::regrole from pg_proc"
                                        + " where proname in ('entities_stamp', 'v4_example') order by 1"))
                        .containsExactly("entities_stamp confwatch_owner", "v4_example confwatch_owner");
            }
        } finally {
            try (Connection c = connect(admin);
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + database + " with (force)");
                s.execute("drop role if exists " + migrator);
            }
        }
    }

    private static JdbcTarget freshDatabase(PostgresExtension.Server server, String name) throws SQLException {
        JdbcTarget admin = server.admin();
        String database = "cw_trust_" + name;
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
            s.execute("create database " + database);
        }
        return new JdbcTarget(admin.host(), admin.port(), database, admin.user(), admin.password(), admin.sslMode());
    }

    private static Connection connect(JdbcTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    private static List<String> rows(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
