package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static io.confwatch.testing.RoleLogins.INSUFFICIENT_PRIVILEGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.RoleLogins;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
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

/**
 * sql/roles.sql: the worker may only read, the writer may change configuration and nothing the worker relies on (the
 * trust boundary), the janitor may purge by the rule.
 */
@ExtendWith(PostgresExtension.class)
class RolesTest {
    private static final List<String> TABLES = List.of(
            "tenants",
            "monitors",
            "filters",
            "triggers",
            "config_changes",
            "tenant_tombstones",
            "config_changes_purged");

    /** Every function in schema confwatch, as a call a role could try. */
    private static final List<String> FUNCTION_CALLS = List.of(
            "select confwatch.merge_op('INSERT', 'UPDATE')",
            "select confwatch.version_at_delete(t) from confwatch.tenants t",
            "select confwatch.tenants_bump()",
            "select confwatch.tenants_log()",
            "select confwatch.tenants_notify()",
            "select confwatch.entities_stamp()",
            "select confwatch.entities_log()",
            "select confwatch.monitors_unlink_filters()",
            "select confwatch.purge_changes('0 seconds')");

    private static RoleLogins logins;

    @BeforeAll
    static void applyRoles(TestDatabase db) throws Exception {
        logins = RoleLogins.create(db);
    }

    @AfterAll
    static void dropLoginRoles() {
        logins.drop();
    }

    @Test
    void worker_selectEveryTable_succeeds() throws SQLException {
        try (Connection c = logins.connect(logins.worker());
                Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.executeQuery("select * from confwatch." + table + " limit 1").close();
            }
        }
    }

    @Test
    void worker_notifyChannel_readsTheTriggersChannel() throws SQLException {
        try (Connection c = logins.connect(logins.worker());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select confwatch.notify_channel()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("confwatch_changes");
        }
    }

    /** The channel is the owner's to change: a writer can neither replace the function nor shadow it. */
    @Test
    void writer_replaceNotifyChannel_isDenied() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
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

    @ParameterizedTest
    @ValueSource(strings = {"tenants", "monitors", "filters", "triggers", "config_changes", "config_changes_purged"})
    void worker_insertUpdateDeleteOrTruncate_isDenied(String table) throws SQLException {
        String column =
                switch (table) {
                    case "tenants" -> "id";
                    case "config_changes_purged" -> "through_xid";
                    default -> "tenant_id";
                };
        List<String> writes = List.of(
                "insert into confwatch." + table + " select * from confwatch." + table + " where false",
                "update confwatch." + table + " set " + column + " = " + column + " where false",
                "delete from confwatch." + table + " where false",
                "truncate confwatch." + table);
        try (Connection c = logins.connect(logins.worker())) {
            assertEveryStatementDenied(c, writes);
        }
    }

    @Test
    void worker_everyFunction_isDenied() throws SQLException {
        try (Connection c = logins.connect(logins.worker())) {
            assertEveryStatementDenied(c, FUNCTION_CALLS);
            assertEveryStatementDenied(c, List.of("select confwatch.current_actor()"));
        }
    }

    @Test
    void writer_everyKindOfChange_isTrackedWithItsOwnPrivileges() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID tenant = insertTenant(c);
            c.setAutoCommit(false);
            // The lock a multi-statement writer takes first (see V2) needs an UPDATE grant on the tenant row.
            execute(c, "select from confwatch.tenants where id = ? for no key update", tenant);
            UUID monitor = insertEntity(c, "monitors", tenant, "m");
            UUID filter = insertEntity(c, "filters", tenant, "f");
            update(c, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);
            insertEntity(c, "triggers", tenant, "t");
            update(c, "update confwatch.tenants set status = 'trial', name = 'renamed' where id = ?", tenant);
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
    void writer_insertUpdateDeleteOrTruncateChangeRows_isDenied(TestDatabase db) throws SQLException {
        UUID tenant;
        try (Connection admin = db.connect()) {
            tenant = insertTenant(admin);
        }
        try (Connection c = logins.connect(logins.writer())) {
            assertEveryStatementDenied(
                    c,
                    List.of(
                            "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_by)"
                                    + " values ('" + tenant + "', 'monitor', gen_random_uuid(), 'UPDATE', 2, 'forged')",
                            "update confwatch.config_changes set op = 'DELETE' where tenant_id = '" + tenant + "'",
                            "update confwatch.config_changes set version = version where false",
                            // V9: the xid the sweep cursor finds a change by cannot be moved, nor the purge floor.
                            "update confwatch.config_changes set xid = '1' where tenant_id = '" + tenant + "'",
                            "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_by,"
                                    + " xid) values ('" + tenant + "', 'tenant', '" + tenant
                                    + "', 'TOUCH', 2, 'forged',"
                                    + " '1')",
                            "update confwatch.config_changes_purged set through_xid = '1'",
                            "delete from confwatch.config_changes_purged",
                            "insert into confwatch.config_changes_purged values (true, '1')",
                            "delete from confwatch.config_changes where tenant_id = '" + tenant + "'",
                            "truncate confwatch.config_changes",
                            "select nextval('confwatch.config_changes_seq_seq')"));
            assertThat(ConfigDb.changes(c, tenant)).singleElement().satisfies(change -> assertThat(change.op())
                    .isEqualTo("INSERT"));
        }
    }

    @Test
    void writer_setVersionXidOrChangedAt_isDenied(TestDatabase db) throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID tenant = insertTenant(c);
            assertEveryStatementDenied(
                    c,
                    List.of(
                            "update confwatch.tenants set config_version = 100 where id = '" + tenant + "'",
                            "update confwatch.tenants set version_xid = '1' where id = '" + tenant + "'",
                            "update confwatch.tenants set changed_at = now() - interval '1 day' where id = '" + tenant
                                    + "'",
                            "insert into confwatch.tenants (id, name, config_version) values (gen_random_uuid(), 'x', 42)",
                            "insert into confwatch.tenants (id, name, version_xid) values (gen_random_uuid(), 'x', '7')",
                            "insert into confwatch.tenants (id, name, changed_at) values (gen_random_uuid(), 'x', now())",
                            "truncate confwatch.tenants",
                            "truncate confwatch.monitors"));
            assertThat(version(c, tenant)).isEqualTo(1);
        }
    }

    @Test
    void writer_purgeOrInternalFunctions_isDenied() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            insertTenant(c);
            assertEveryStatementDenied(c, FUNCTION_CALLS);
        }
    }

    @Test
    void worker_purgeChanges_isDenied() throws SQLException {
        try (Connection c = logins.connect(logins.worker())) {
            assertEveryStatementDenied(c, List.of("select confwatch.purge_changes()"));
        }
    }

    @Test
    void janitor_purgeChanges_succeedsButDeletingRowsByHandIsDenied() throws SQLException {
        try (Connection c = logins.connect(logins.janitor())) {
            execute(c, "select confwatch.purge_changes('7 days')");
            assertEveryStatementDenied(c, List.of("delete from confwatch.config_changes where false"));
        }
    }

    private static void assertEveryStatementDenied(Connection c, List<String> statements) {
        for (String statement : statements) {
            assertThatThrownBy(() -> execute(c, statement))
                    .as(statement)
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }
}
