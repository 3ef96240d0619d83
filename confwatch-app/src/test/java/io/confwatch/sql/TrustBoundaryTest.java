package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.changes;
import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.payload;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.sql.ConfigDb.Change;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.RoleLogins;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V3's trust boundary as a writer login meets it: the triggers run as confwatch_owner with a pinned search_path, a
 * filter's monitor belongs to its tenant, and each change row records session_user beside the writer's claim.
 */
@ExtendWith(PostgresExtension.class)
class TrustBoundaryTest {
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    /**
     * The functions that read no table and only compute a value: invoker's rights without a SET clause (which costs
     * each call, and keeps a {@code language sql} function from being inlined), every name and operator in them
     * qualified (V3's STYLE; V6 made notify_channel, change_payload, merge_op and version_at_delete inlinable SQL).
     */
    private static final List<String> COMPUTE_ONLY = List.of(
            "confwatch.current_actor() ",
            "confwatch.entities_stamp() ",
            "confwatch.notify_channel() ",
            "confwatch.change_payload(uuid,bigint) ",
            "confwatch.merge_op(text,text) ",
            "confwatch.tenant_slot(uuid) ",
            "confwatch.version_at_delete(confwatch.tenants) ");

    private static RoleLogins logins;

    @BeforeAll
    static void applyRoles(TestDatabase db) throws Exception {
        logins = RoleLogins.create(db);
        // The attacker of the search_path test owns a schema of its own.
        db.execute("grant create on database " + db.database() + " to " + logins.writer());
    }

    @AfterAll
    static void dropLoginRoles(TestDatabase db) {
        db.execute("revoke create on database " + db.database() + " from " + logins.writer());
        logins.drop();
    }

    @Test
    void searchPathAttack_writersLookalikesFirstOnThePath_changeNothing(TestDatabase db) throws SQLException {
        try (Connection c = logins.connect(logins.writer());
                NotificationCollector notifications = NotificationCollector.listen(db)) {
            String schema = "evil_" + logins.writer();
            execute(c, "create schema " + schema);
            execute(
                    c,
                    "create table " + schema + ".config_changes (seq bigserial, tenant_id uuid, entity text,"
                            + " entity_id uuid, op text, version bigint, changed_at timestamptz, changed_by text,"
                            + " session_user_name text, unique (tenant_id, version, entity, entity_id))");
            execute(
                    c,
                    "create table " + schema + ".tenants (id uuid primary key, name text, status text,"
                            + " config_version bigint, changed_at timestamptz, version_xid xid8, updated_at timestamptz,"
                            + " updated_by text)");
            for (String lookalike : List.of(
                    "now() returns timestamptz language sql as $$ select '2001-01-01'::timestamptz $$",
                    "clock_timestamp() returns timestamptz language sql as $$ select '2001-01-01'::timestamptz $$",
                    "pg_current_xact_id() returns xid8 language sql as $$ select '3'::xid8 $$",
                    "pg_notify(text, text) returns void language sql as $$ select $$",
                    "current_setting(text) returns text language sql as $$ select 'forged' $$",
                    "current_setting(text, boolean) returns text language sql as $$ select 'forged' $$",
                    "merge_op(text, text) returns text language sql as $$ select 'INSERT' $$",
                    "text_equal(text, text) returns boolean language sql as $$ select true $$",
                    "text_differ(text, text) returns boolean language sql as $$ select false $$")) {
                execute(c, "create function " + schema + "." + lookalike);
            }
            execute(
                    c,
                    "create operator " + schema + ".= (leftarg = text, rightarg = text, function = " + schema
                            + ".text_equal)");
            execute(
                    c,
                    "create operator " + schema + ".<> (leftarg = text, rightarg = text, function = " + schema
                            + ".text_differ)");
            execute(c, "set search_path = " + schema + ", pg_catalog, confwatch");
            OffsetDateTime before = OffsetDateTime.now().minusMinutes(5);

            UUID tenant = insertTenant(c);
            UUID monitor = insertEntity(c, "monitors", tenant, "m");
            update(c, "update confwatch.monitors set name = 'renamed' where id = ?", monitor);
            // entities_stamp runs with the writer's rights and path; current_actor() is inlined into it (V6).
            try (PreparedStatement s = c.prepareStatement("select updated_by from confwatch.monitors where id = ?")) {
                s.setObject(1, monitor);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(logins.writer());
                }
            }
            update(c, "delete from confwatch.monitors where id = ?", monitor);

            assertThat(version(c, tenant)).isEqualTo(4);
            assertThat(changes(c, tenant))
                    .containsExactly(
                            new Change("tenant", tenant, "INSERT", 1, logins.writer()),
                            new Change("monitor", monitor, "INSERT", 2, logins.writer()),
                            new Change("monitor", monitor, "UPDATE", 3, logins.writer()),
                            new Change("monitor", monitor, "DELETE", 4, logins.writer()));
            assertThat(notifications.receivedFor(tenant))
                    .containsExactly(payload(tenant, 1), payload(tenant, 2), payload(tenant, 3), payload(tenant, 4));
            try (PreparedStatement s = c.prepareStatement("select changed_at, updated_at, (select count(*) from "
                    + schema + ".config_changes) + (select count(*) from " + schema + ".tenants)"
                    + " from confwatch.tenants where id = ?")) {
                s.setObject(1, tenant);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1, OffsetDateTime.class)).isAfter(before);
                    assertThat(rs.getObject(2, OffsetDateTime.class)).isAfter(before);
                    assertThat(rs.getLong(3))
                            .as("rows written to the writer's look-alike tables")
                            .isZero();
                }
            }
        }
    }

    @Test
    void filter_monitorOfAnotherTenant_isRefusedOnInsertAndUpdate() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID mine = insertTenant(c);
            UUID theirs = insertTenant(c);
            UUID theirMonitor = insertEntity(c, "monitors", theirs, "m");
            UUID filter = insertEntity(c, "filters", mine, "f");

            assertThatThrownBy(() -> update(
                            c,
                            "insert into confwatch.filters (tenant_id, name, definition, monitor_id)"
                                    + " values (?, 'g', '{}', ?)",
                            mine,
                            theirMonitor))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION));
            assertThatThrownBy(() ->
                            update(c, "update confwatch.filters set monitor_id = ? where id = ?", theirMonitor, filter))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION));
            assertThat(version(c, mine)).isEqualTo(2);
        }
    }

    @Test
    void monitor_movedToAnotherTenantWhileAFilterNamesIt_isRefusedUnlessTheFilterMovesInTheSameTransaction()
            throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID from = insertTenant(c);
            UUID to = insertTenant(c);
            UUID monitor = insertEntity(c, "monitors", from, "m");
            UUID filter = insertEntity(c, "filters", from, "f");
            update(c, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);

            assertThatThrownBy(() -> update(c, "update confwatch.monitors set tenant_id = ? where id = ?", to, monitor))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION));

            c.setAutoCommit(false);
            execute(c, "set constraints confwatch.filters_monitor_same_tenant_fkey deferred");
            update(c, "update confwatch.monitors set tenant_id = ? where id = ?", to, monitor);
            update(c, "update confwatch.filters set tenant_id = ? where id = ?", to, filter);
            c.commit();
            c.setAutoCommit(true);

            assertThat(changes(c, to)).extracting(Change::entityId).contains(monitor, filter);
        }
    }

    @Test
    void deleteMonitors_namedByFiltersWithTriggersDisabledInOneTransaction_canReEnableThem(TestDatabase db)
            throws SQLException {
        UUID tenant;
        UUID monitor;
        try (Connection c = logins.connect(logins.writer())) {
            tenant = insertTenant(c);
            monitor = insertEntity(c, "monitors", tenant, "m");
            update(
                    c,
                    "update confwatch.filters set monitor_id = ? where id = ?",
                    monitor,
                    insertEntity(c, "filters", tenant, "f"));
        }
        // What a restore or a bulk fix does as the owner: no check may still be pending when triggers come back.
        try (Connection admin = db.connect()) {
            admin.setAutoCommit(false);
            execute(admin, "alter table confwatch.monitors disable trigger user");
            update(admin, "delete from confwatch.monitors where id = ?", monitor);
            execute(admin, "alter table confwatch.monitors enable trigger user");
            admin.commit();
        }
    }

    @Test
    void deleteMonitor_namedByAFilter_stillClearsTheFiltersMonitorId() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID tenant = insertTenant(c);
            UUID monitor = insertEntity(c, "monitors", tenant, "m");
            UUID filter = insertEntity(c, "filters", tenant, "f");
            update(c, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);

            update(c, "delete from confwatch.monitors where id = ?", monitor);

            try (PreparedStatement s = c.prepareStatement("select monitor_id from confwatch.filters where id = ?")) {
                s.setObject(1, filter);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1)).isNull();
                }
            }
        }
    }

    @Test
    void changedBy_claimAndSetRole_keepTheClaimWithSessionUserBeside() throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID tenant = insertTenant(c);
            execute(c, "set confwatch.actor = 'alice@example.com'");
            insertEntity(c, "monitors", tenant, "claimed");
            execute(c, "reset confwatch.actor");
            execute(c, "set role confwatch_writer");
            insertEntity(c, "monitors", tenant, "as group role");

            assertThat(whoWrote(c, tenant))
                    .containsExactly(
                            logins.writer() + " / " + logins.writer(),
                            "alice@example.com / " + logins.writer(),
                            "confwatch_writer / " + logins.writer());
        }
    }

    /** The style V3's header asks of every function in the schema: V4's and later ones' too. */
    @Test
    void everyFunction_ownedByConfwatchOwnerSecurityDefinerPinnedNoPublicExecute(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        """
                        select p.oid::regprocedure::text, p.proowner::regrole::text, p.prosecdef,
                               coalesce(p.proconfig, '{}') @> array['search_path=pg_catalog, pg_temp'],
                               has_function_privilege('public', p.oid, 'EXECUTE')
                          from pg_proc p
                         where p.pronamespace = 'confwatch'::regnamespace
                         order by 1""");
                ResultSet rs = s.executeQuery()) {
            List<String> functions = new ArrayList<>();
            while (rs.next()) {
                functions.add(rs.getString(1) + " owner=" + rs.getString(2) + " definer=" + rs.getBoolean(3)
                        + " pinned=" + rs.getBoolean(4) + " public=" + rs.getBoolean(5));
            }
            assertThat(functions).hasSizeGreaterThanOrEqualTo(9).allSatisfy(f -> assertThat(f)
                    .endsWith(
                            COMPUTE_ONLY.stream().anyMatch(f::startsWith)
                                    ? "owner=confwatch_owner definer=false pinned=false public=false"
                                    : "owner=confwatch_owner definer=true pinned=true public=false"));
        }
    }

    private static List<String> whoWrote(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select changed_by || ' / ' || session_user_name"
                + " from confwatch.config_changes where tenant_id = ? order by seq")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            }
        }
    }
}
