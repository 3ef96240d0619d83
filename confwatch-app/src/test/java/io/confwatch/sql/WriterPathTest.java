package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.changes;
import static io.confwatch.sql.ConfigDb.execute;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.payload;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.confwatch.sql.ConfigDb.Change;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.RoleLogins;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V6's cheap writer path as a writer login meets it: one statement-level definer call per entity statement bumps,
 * logs and notifies; the tenant row triggers run only for a writer's own tenant statements; the helpers are inlined.
 */
@ExtendWith(PostgresExtension.class)
class WriterPathTest {
    private static final String V6_NOTIFY_CHANNEL = "create or replace function confwatch.notify_channel() returns text"
            + " language sql stable parallel safe security invoker as $$ select '%s'::pg_catalog.text $$";

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
    void statementsOverManyRowsOfSeveralTenants_bumpEachTenantOnceLogEachEntityOnceNotifyEachOnce(TestDatabase db)
            throws SQLException {
        try (Connection c = logins.connect(logins.writer());
                NotificationCollector notifications = NotificationCollector.listen(db)) {
            List<UUID> tenants = List.of(insertTenant(c), insertTenant(c), insertTenant(c));
            Map<UUID, List<UUID>> monitors = new LinkedHashMap<>();
            for (UUID tenant : tenants) {
                List<UUID> own = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    own.add(insertEntity(c, "monitors", tenant, "m" + i));
                }
                monitors.put(tenant, own);
            }
            UUID[] all = tenants.toArray(UUID[]::new);
            notifications.receivedFor(all);
            Map<UUID, Long> before = new LinkedHashMap<>();
            for (UUID tenant : tenants) {
                before.put(tenant, version(c, tenant));
            }
            UUID renamed = tenants.get(0);
            UUID last = tenants.get(2);

            c.setAutoCommit(false);
            // The tenant first (its own bump and notification), then entity statements over all three tenants.
            update(c, "update confwatch.tenants set name = 'renamed first' where id = ?", renamed);
            assertThat(update(
                            c,
                            "update confwatch.monitors set definition = '{\"rev\": 1}' where tenant_id = any(?)",
                            c.createArrayOf("uuid", all)))
                    .isEqualTo(12);
            update(c, "update confwatch.monitors set is_active = false where tenant_id = ?", last);
            update(
                    c,
                    "insert into confwatch.filters (tenant_id, name, definition)"
                            + " select t, 'f', '{}' from unnest(?::uuid[]) t",
                    c.createArrayOf("uuid", all));
            // And a tenant last, after entity statements bumped it.
            update(c, "update confwatch.tenants set status = 'trial' where id = ?", last);
            c.commit();
            c.setAutoCommit(true);

            List<String> expectedPayloads = new ArrayList<>();
            for (UUID tenant : tenants) {
                long expected = before.get(tenant) + 1;
                assertThat(version(c, tenant)).as("version of %s", tenant).isEqualTo(expected);
                expectedPayloads.add(payload(tenant, expected));
                List<Change> atVersion = changes(c, tenant).stream()
                        .filter(ch -> ch.version() == expected)
                        .toList();
                List<Change> expectedRows = new ArrayList<>();
                for (UUID m : monitors.get(tenant)) {
                    expectedRows.add(new Change("monitor", m, "UPDATE", expected, logins.writer()));
                }
                if (tenant.equals(renamed) || tenant.equals(last)) {
                    expectedRows.add(new Change("tenant", tenant, "UPDATE", expected, logins.writer()));
                }
                assertThat(atVersion)
                        .as("change rows of %s at its new version", tenant)
                        .filteredOn(ch -> !ch.entity().equals("filter"))
                        .containsExactlyInAnyOrderElementsOf(expectedRows);
                assertThat(atVersion)
                        .as("filter rows of %s", tenant)
                        .filteredOn(ch -> ch.entity().equals("filter"))
                        .singleElement()
                        .satisfies(ch -> assertThat(ch.op()).isEqualTo("INSERT"));
            }
            assertThat(notifications.receivedFor(all)).containsExactlyInAnyOrderElementsOf(expectedPayloads);
        }
    }

    /**
     * What a single-row write runs: its table's stamp and one statement-level definer call for an entity, the bump and
     * the log for a tenant; current_actor(), notify_channel() and change_payload() are inlined, never called. Under V5 a monitor update
     * also called current_actor() twice, tenants_bump, tenants_notify and notify_channel().
     */
    @Test
    void singleRowWrites_callOnlyTheirOwnTriggerFunctions(TestDatabase db) throws SQLException {
        UUID tenant;
        UUID monitor;
        try (Connection c = logins.connect(logins.writer())) {
            tenant = insertTenant(c);
            monitor = insertEntity(c, "monitors", tenant, "m");
        }
        try (Connection admin = db.connect()) {
            execute(admin, "set track_functions = 'all'");
            admin.setAutoCommit(false);

            assertThat(callsOf(
                            admin, "update confwatch.monitors set definition = '{\"rev\": 2}' where id = ?", monitor))
                    .containsExactly(entry("entities_log", 1L), entry("entities_stamp", 1L));
            admin.commit();

            // (change_payload() may show here: while PERFORM's plan is custom, the planner folds it with the row's
            // values, i.e. runs it once at plan time, instead of inlining it.)
            assertThat(callsOf(admin, "update confwatch.tenants set name = 'renamed' where id = ?", tenant))
                    .containsEntry("tenants_bump", 1L)
                    .containsEntry("tenants_log", 1L)
                    .doesNotContainKeys("tenants_notify", "current_actor", "notify_channel", "merge_op")
                    .hasSizeLessThanOrEqualTo(3);
            admin.commit();
            admin.setAutoCommit(true);
            assertThat(version(admin, tenant)).isEqualTo(4);
        }
    }

    /**
     * notify_channel() is inlined into the triggers' cached plans since V6: replacing it still reaches a writer session
     * that cached them (PostgreSQL invalidates plans that inlined a function when it changes), on both write paths.
     */
    @Test
    void notifyChannel_replacedByItsOwner_reachesAWriterSessionThatCachedItsPlans(TestDatabase db) throws SQLException {
        try (Connection c = logins.connect(logins.writer())) {
            UUID tenant = insertTenant(c);
            UUID monitor = insertEntity(c, "monitors", tenant, "m");
            for (int i = 0; i < 8; i++) { // past plpgsql's custom-plan tries: the generic plans are cached
                update(c, "update confwatch.monitors set definition = '{}' where id = ?", monitor);
                update(c, "update confwatch.tenants set name = 'n" + i + "' where id = ?", tenant);
            }
            db.execute(V6_NOTIFY_CHANNEL.formatted("elsewhere"));
            try (NotificationCollector elsewhere = NotificationCollector.listen(db, "elsewhere")) {
                update(c, "update confwatch.monitors set definition = '{\"rev\": 3}' where id = ?", monitor);
                update(c, "update confwatch.tenants set name = 'renamed' where id = ?", tenant);

                long entityVersion = version(c, tenant) - 1;
                assertThat(elsewhere.receivedFor(tenant))
                        .containsExactly(payload(tenant, entityVersion), payload(tenant, entityVersion + 1));
            } finally {
                db.execute(V6_NOTIFY_CHANNEL.formatted("confwatch_changes"));
            }
        }
    }

    /**
     * The calls of schema confwatch's functions that {@code sql} makes, counted within one open transaction (the
     * server may hold earlier transactions' counts in the same pending entries until it is idle: hence the difference).
     */
    private static Map<String, Long> callsOf(Connection c, String sql, Object... args) throws SQLException {
        Map<String, Long> before = pendingCalls(c);
        update(c, sql, args);
        Map<String, Long> calls = new LinkedHashMap<>();
        pendingCalls(c).forEach((function, n) -> {
            long made = n - before.getOrDefault(function, 0L);
            if (made > 0) {
                calls.put(function, made);
            }
        });
        return calls;
    }

    private static Map<String, Long> pendingCalls(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select funcname, calls from pg_stat_xact_user_functions"
                        + " where schemaname = 'confwatch' and calls > 0 order by funcname");
                ResultSet rs = s.executeQuery()) {
            Map<String, Long> calls = new LinkedHashMap<>();
            while (rs.next()) {
                calls.put(rs.getString(1), rs.getLong(2));
            }
            return calls;
        }
    }
}
