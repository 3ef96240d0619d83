package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sql/roles.sql: the worker may only read, the writer may change configuration, the janitor may purge. */
@ExtendWith(PostgresExtension.class)
class RolesTest {
    private static final List<String> TABLES = List.of("tenants", "monitors", "filters", "triggers", "config_changes");
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** Login roles are cluster-wide: unique names keep parallel runs on one server apart. */
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

    private static final String WORKER = "cw_test_worker_" + SUFFIX;
    private static final String WRITER = "cw_test_writer_" + SUFFIX;
    private static final String JANITOR = "cw_test_janitor_" + SUFFIX;
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @BeforeAll
    static void applyRolesTwice(TestDatabase db) throws Exception {
        String script = rolesScript();
        db.execute(script);
        db.execute(script);
        db.execute("create role " + WORKER + " login password '" + PASSWORD + "' in role confwatch_worker;"
                + "create role " + WRITER + " login password '" + PASSWORD + "' in role confwatch_writer;"
                + "create role " + JANITOR + " login password '" + PASSWORD + "' in role confwatch_janitor");
    }

    @AfterAll
    static void dropLoginRoles(TestDatabase db) {
        db.execute("drop role if exists " + WORKER + ", " + WRITER + ", " + JANITOR);
    }

    @Test
    void worker_selectEveryTable_succeeds(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WORKER);
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.executeQuery("select * from confwatch." + table + " limit 1").close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenants", "monitors", "filters", "triggers", "config_changes"})
    void worker_insertUpdateDeleteOrTruncate_isDenied(String table, TestDatabase db) throws SQLException {
        String column = table.equals("tenants") ? "id" : "tenant_id";
        List<String> writes = List.of(
                "insert into confwatch." + table + " select * from confwatch." + table + " where false",
                "update confwatch." + table + " set " + column + " = " + column + " where false",
                "delete from confwatch." + table + " where false",
                "truncate confwatch." + table);
        try (Connection c = connectAs(db, WORKER)) {
            for (String write : writes) {
                assertThatThrownBy(() -> execute(c, write))
                        .as(write)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo(INSUFFICIENT_PRIVILEGE));
            }
        }
    }

    @Test
    void worker_purgeChanges_isDenied(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WORKER)) {
            assertThatThrownBy(() -> execute(c, "select confwatch.purge_changes()"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    @Test
    void worker_notifyChannel_readsTheTriggersChannel(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WORKER);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select confwatch.notify_channel()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("confwatch_changes");
        }
    }

    /** The channel is the owner's to change: a writer can neither replace the function nor shadow it. */
    @Test
    void writer_replaceNotifyChannel_isDenied(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WRITER)) {
            assertThatThrownBy(() -> execute(
                            c,
                            "create or replace function confwatch.notify_channel() returns text"
                                    + " language sql as $$ select 'elsewhere'::text $$"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
            assertThatThrownBy(() -> execute(c, "alter function confwatch.notify_channel() rename to old_channel"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    @Test
    void writer_everyKindOfChange_isTrackedWithItsOwnPrivileges(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WRITER)) {
            UUID tenant = insertTenant(c);
            c.setAutoCommit(false);
            UUID monitor = insertEntity(c, "monitors", tenant, "m");
            UUID filter = insertEntity(c, "filters", tenant, "f");
            update(c, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);
            insertEntity(c, "triggers", tenant, "t");
            update(c, "update confwatch.tenants set status = 'trial' where id = ?", tenant);
            c.commit();
            update(c, "delete from confwatch.monitors where id = ?", monitor);
            c.commit();
            assertThat(version(c, tenant)).isEqualTo(3);

            update(c, "delete from confwatch.tenants where id = ?", tenant);
            c.commit();
            assertThat(version(c, tenant)).isEqualTo(-1);
        }
    }

    @Test
    void writer_deleteOrRewriteChangeRows_isDenied(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, WRITER)) {
            for (String write : List.of(
                    "delete from confwatch.config_changes where false",
                    "update confwatch.config_changes set version = version where false",
                    "truncate confwatch.config_changes")) {
                assertThatThrownBy(() -> execute(c, write))
                        .as(write)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo(INSUFFICIENT_PRIVILEGE));
            }
        }
    }

    @Test
    void janitor_purgeChanges_succeeds(TestDatabase db) throws SQLException {
        try (Connection c = connectAs(db, JANITOR)) {
            execute(c, "select confwatch.purge_changes('7 days')");
        }
    }

    private static Connection connectAs(TestDatabase db, String role) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), role, PASSWORD);
    }

    private static String rolesScript() throws IOException {
        try (InputStream in = RolesTest.class.getResourceAsStream("/db/roles.sql")) {
            if (in == null) {
                throw new IllegalStateException("db/roles.sql is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
