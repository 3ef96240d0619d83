package io.confwatch.sql;

import static io.confwatch.sql.ConfigDb.changes;
import static io.confwatch.sql.ConfigDb.insertEntity;
import static io.confwatch.sql.ConfigDb.insertTenant;
import static io.confwatch.sql.ConfigDb.payload;
import static io.confwatch.sql.ConfigDb.update;
import static io.confwatch.sql.ConfigDb.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.confwatch.sql.ConfigDb.Change;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The change-tracking contract of V2: one version bump, one notification, one log row per entity per transaction. */
@ExtendWith(PostgresExtension.class)
class ChangeTrackingTest {
    private TestDatabase db;
    private Connection writer;
    private NotificationCollector notifications;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        writer = db.connect();
        notifications = NotificationCollector.listen(db);
    }

    @AfterEach
    void close() throws SQLException {
        try {
            notifications.close();
        } finally {
            writer.close();
        }
    }

    @Test
    void insertTenant_newId_startsAtVersionOneLogsInsertAndNotifies() throws SQLException {
        UUID tenant = insertTenant(writer);

        assertThat(version(writer, tenant)).isEqualTo(1);
        assertThat(changes(writer, tenant)).containsExactly(new Change("tenant", tenant, "INSERT", 1, db.user()));
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 1));
    }

    @Test
    void notification_anyChange_payloadIsExactlyTenantAndVersion() throws SQLException {
        UUID tenant = insertTenant(writer);
        insertEntity(writer, "monitors", tenant, "m");

        assertThat(notifications.receivedFor(tenant))
                .containsExactly(
                        "{\"tenant\":\"" + tenant + "\",\"version\":1}",
                        "{\"tenant\":\"" + tenant + "\",\"version\":2}")
                .allMatch(p -> p.matches("\\{\"tenant\":\"[0-9a-f-]{36}\",\"version\":[0-9]+}"));
    }

    @Test
    void writeVersionColumns_byWriter_areOverriddenByTheTriggers() throws SQLException {
        UUID tenant = UUID.randomUUID();
        update(
                writer,
                "insert into confwatch.tenants (id, name, config_version, version_xid) values (?, 't', 42, '7')",
                tenant);
        update(writer, "update confwatch.tenants set config_version = 100 where id = ?", tenant);

        assertThat(version(writer, tenant)).isEqualTo(2);
    }

    @Test
    void transaction_changesEveryEntityTableAndTheTenant_bumpsOnceNotifiesOnceLogsEachEntity() throws SQLException {
        UUID tenant = insertTenant(writer);
        notifications.receivedFor(tenant);

        writer.setAutoCommit(false);
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");
        UUID filter = insertEntity(writer, "filters", tenant, "f");
        update(writer, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);
        UUID trigger = insertEntity(writer, "triggers", tenant, "t");
        update(writer, "update confwatch.monitors set is_active = false where id = ?", monitor);
        update(writer, "update confwatch.tenants set status = 'trial' where id = ?", tenant);
        writer.commit();

        assertThat(version(writer, tenant)).isEqualTo(2);
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 2));
        assertThat(changes(writer, tenant))
                .filteredOn(c -> c.version() == 2)
                .containsExactlyInAnyOrder(
                        new Change("monitor", monitor, "INSERT", 2, db.user()),
                        new Change("filter", filter, "INSERT", 2, db.user()),
                        new Change("trigger", trigger, "INSERT", 2, db.user()),
                        new Change("tenant", tenant, "UPDATE", 2, db.user()));
    }

    @Test
    void bulkInsert_tenThousandMonitors_bumpsOnceNotifiesOnceAndLogsEveryRow() throws SQLException {
        UUID tenant = insertTenant(writer);
        notifications.receivedFor(tenant);

        int inserted = update(
                writer,
                "insert into confwatch.monitors (tenant_id, name, definition)"
                        + " select ?, 'monitor ' || i, '{\"networks\": [\"ethereum_mainnet\"]}'"
                        + " from generate_series(1, 10000) i",
                tenant);

        assertThat(inserted).isEqualTo(10_000);
        assertThat(version(writer, tenant)).isEqualTo(2);
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 2));
        assertThat(changes(writer, tenant))
                .filteredOn(c -> c.version() == 2)
                .hasSize(10_000)
                .allMatch(c -> c.entity().equals("monitor") && c.op().equals("INSERT"));
    }

    @Test
    void rollback_ofChanges_leavesVersionLogAndNotificationsUnchanged() throws SQLException {
        UUID tenant = insertTenant(writer);
        List<Change> before = changes(writer, tenant);
        notifications.receivedFor(tenant);

        writer.setAutoCommit(false);
        insertEntity(writer, "monitors", tenant, "m");
        update(writer, "update confwatch.tenants set name = 'renamed' where id = ?", tenant);
        writer.rollback();

        assertThat(version(writer, tenant)).isEqualTo(1);
        assertThat(changes(writer, tenant)).isEqualTo(before);
        assertThat(notifications.receivedFor(tenant)).isEmpty();
    }

    @Test
    void deleteMonitor_hardDelete_isLoggedAsDelete() throws SQLException {
        UUID tenant = insertTenant(writer);
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");

        update(writer, "delete from confwatch.monitors where id = ?", monitor);

        assertThat(version(writer, tenant)).isEqualTo(3);
        assertThat(changes(writer, tenant)).last().isEqualTo(new Change("monitor", monitor, "DELETE", 3, db.user()));
    }

    @Test
    void actor_setForTheSession_isRecordedInLogAndUpdatedBy() throws SQLException {
        UUID tenant = insertTenant(writer);
        try (Statement s = writer.createStatement()) {
            s.execute("set confwatch.actor = 'alice@example.com'");
        }
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");

        assertThat(changes(writer, tenant)).last().extracting(Change::changedBy).isEqualTo("alice@example.com");
        try (Statement s = writer.createStatement();
                var rs = s.executeQuery("select updated_by from confwatch.monitors where id = '" + monitor + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("alice@example.com");
        }
    }

    @Test
    void actor_notSet_isTheCurrentUser() throws SQLException {
        UUID tenant = insertTenant(writer);
        insertEntity(writer, "triggers", tenant, "t");

        assertThat(changes(writer, tenant)).extracting(Change::changedBy).containsOnly(db.user());
    }

    @Test
    void notifyOff_sessionSetting_keepsVersionAndLogButSendsNothing() throws SQLException {
        UUID tenant = insertTenant(writer);
        notifications.receivedFor(tenant);
        try (Statement s = writer.createStatement()) {
            s.execute("set confwatch.notify = off");
        }

        UUID monitor = insertEntity(writer, "monitors", tenant, "m");

        assertThat(version(writer, tenant)).isEqualTo(2);
        assertThat(changes(writer, tenant)).last().isEqualTo(new Change("monitor", monitor, "INSERT", 2, db.user()));
        assertThat(notifications.receivedFor(tenant)).isEmpty();
    }

    @Test
    void deleteTenant_withMonitorsFiltersAndTriggers_logsOneTenantDeleteAndNotifiesOnce() throws SQLException {
        UUID tenant = insertTenant(writer);
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");
        UUID filter = insertEntity(writer, "filters", tenant, "f");
        update(writer, "update confwatch.filters set monitor_id = ? where id = ?", monitor, filter);
        insertEntity(writer, "triggers", tenant, "t");
        long before = version(writer, tenant);
        notifications.receivedFor(tenant);

        update(writer, "delete from confwatch.tenants where id = ?", tenant);

        assertThat(changes(writer, tenant))
                .filteredOn(c -> c.version() > before)
                .containsExactly(new Change("tenant", tenant, "DELETE", before + 1, db.user()));
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, before + 1));
    }

    @Test
    void deleteTenant_afterAChangeInTheSameTransaction_keepsThatTransactionsVersion() throws SQLException {
        UUID tenant = insertTenant(writer);
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");
        notifications.receivedFor(tenant);

        writer.setAutoCommit(false);
        update(writer, "update confwatch.monitors set is_active = false where id = ?", monitor);
        update(writer, "delete from confwatch.tenants where id = ?", tenant);
        writer.commit();

        assertThat(changes(writer, tenant))
                .filteredOn(c -> c.version() == 3)
                .containsExactlyInAnyOrder(
                        new Change("monitor", monitor, "UPDATE", 3, db.user()),
                        new Change("tenant", tenant, "DELETE", 3, db.user()));
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 3));
    }

    @Test
    void recreateTenant_afterDelete_continuesAboveTheDeletedVersion() throws SQLException {
        UUID tenant = insertTenant(writer);
        update(writer, "delete from confwatch.tenants where id = ?", tenant);

        update(writer, "insert into confwatch.tenants (id, name) values (?, 'again')", tenant);

        assertThat(version(writer, tenant)).isEqualTo(3);
    }

    @Test
    void touchTenant_nameSetToItself_bumpsNotifiesAndLogsATouch() throws SQLException {
        UUID tenant = insertTenant(writer);
        notifications.receivedFor(tenant);

        update(writer, "update confwatch.tenants set name = name where id = ?", tenant);

        assertThat(version(writer, tenant)).isEqualTo(2);
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 2));
        // V9: a touch leaves a change row (the sweep cursor finds the tenant by it), whose op says "read it whole".
        assertThat(changes(writer, tenant))
                .extracting(Change::version, Change::entity, Change::op)
                .containsExactly(tuple(1L, "tenant", "INSERT"), tuple(2L, "tenant", "TOUCH"));
    }

    @Test
    void changeRowChecks_unknownOpOrEntity_refusedEvenForTheOwner() throws SQLException {
        UUID tenant = insertTenant(writer);
        String insert = "insert into confwatch.config_changes (tenant_id, entity, entity_id, op, version, changed_by)"
                + " values ('" + tenant + "', '%s', '" + tenant + "', '%s', 99, 'test')";
        for (String[] bad : new String[][] {{"tenant", "MERGE"}, {"tenants", "UPDATE"}, {"tenant", "touch"}}) {
            assertThatThrownBy(() -> update(writer, insert.formatted(bad[0], bad[1])))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("violates check constraint");
        }
        update(writer, insert.formatted("tenant", "TOUCH"));
        assertThat(changes(writer, tenant)).extracting(Change::op).containsExactly("INSERT", "TOUCH");
    }

    @Test
    void touchTenant_thenRenamedInTheSameTransaction_staysATouch() throws SQLException {
        UUID tenant = insertTenant(writer);
        writer.setAutoCommit(false);
        update(writer, "update confwatch.tenants set status = status where id = ?", tenant);
        update(writer, "update confwatch.tenants set name = 'renamed' where id = ?", tenant);
        writer.commit();
        writer.setAutoCommit(true);

        assertThat(changes(writer, tenant))
                .extracting(Change::version, Change::op)
                .containsExactly(tuple(1L, "INSERT"), tuple(2L, "TOUCH"));
    }

    @Test
    void touchTenant_afterAnEntityWriteInTheSameTransaction_logsNoTouch() throws SQLException {
        UUID tenant = insertTenant(writer);
        writer.setAutoCommit(false);
        insertEntity(writer, "monitors", tenant, "m");
        update(writer, "update confwatch.tenants set name = name where id = ?", tenant);
        writer.commit();
        writer.setAutoCommit(true);

        assertThat(changes(writer, tenant))
                .extracting(Change::version, Change::entity, Change::op)
                .containsExactly(tuple(1L, "tenant", "INSERT"), tuple(2L, "monitor", "INSERT"));
    }

    @Test
    void savepoint_rolledBackThenRedone_bumpsOnce() throws SQLException {
        UUID tenant = insertTenant(writer);
        UUID monitor = insertEntity(writer, "monitors", tenant, "m");
        notifications.receivedFor(tenant);

        writer.setAutoCommit(false);
        Savepoint savepoint = writer.setSavepoint();
        update(writer, "update confwatch.monitors set is_active = false where id = ?", monitor);
        writer.rollback(savepoint);
        update(writer, "update confwatch.monitors set is_active = false where id = ?", monitor);
        update(writer, "update confwatch.monitors set name = 'renamed' where id = ?", monitor);
        writer.commit();

        assertThat(version(writer, tenant)).isEqualTo(3);
        assertThat(notifications.receivedFor(tenant)).containsExactly(payload(tenant, 3));
        assertThat(changes(writer, tenant)).last().isEqualTo(new Change("monitor", monitor, "UPDATE", 3, db.user()));
    }

    @Test
    void moveMonitor_toAnotherTenant_logsDeleteForTheOldAndInsertForTheNew() throws SQLException {
        UUID from = insertTenant(writer);
        UUID to = insertTenant(writer);
        UUID monitor = insertEntity(writer, "monitors", from, "m");
        notifications.receivedFor(from, to);

        update(writer, "update confwatch.monitors set tenant_id = ? where id = ?", to, monitor);

        assertThat(changes(writer, from)).last().isEqualTo(new Change("monitor", monitor, "DELETE", 3, db.user()));
        assertThat(changes(writer, to)).last().isEqualTo(new Change("monitor", monitor, "INSERT", 2, db.user()));
        assertThat(notifications.receivedFor(from, to)).containsExactlyInAnyOrder(payload(from, 3), payload(to, 2));
    }

    @Test
    void statements_matchingNoRows_changeNothing() throws SQLException {
        UUID tenant = insertTenant(writer);
        notifications.receivedFor(tenant);

        update(writer, "update confwatch.monitors set is_active = false where tenant_id = ?", tenant);
        update(writer, "delete from confwatch.filters where tenant_id = ?", tenant);
        update(
                writer,
                "insert into confwatch.triggers (tenant_id, name, definition) select ?, 'never', '{}' where false",
                tenant);

        assertThat(version(writer, tenant)).isEqualTo(1);
        assertThat(changes(writer, tenant)).hasSize(1);
        assertThat(notifications.receivedFor(tenant)).isEmpty();
    }

    @Test
    void insertThenUpdateThenDelete_inOneTransaction_logsTheOutcomePerEntity() throws SQLException {
        UUID tenant = insertTenant(writer);
        UUID kept = insertEntity(writer, "filters", tenant, "kept");

        writer.setAutoCommit(false);
        UUID added = insertEntity(writer, "filters", tenant, "added");
        update(writer, "update confwatch.filters set is_active = false where tenant_id = ?", tenant);
        UUID dropped = insertEntity(writer, "filters", tenant, "dropped");
        update(writer, "delete from confwatch.filters where id = ?", dropped);
        writer.commit();

        assertThat(changes(writer, tenant))
                .filteredOn(c -> c.version() == 3)
                .containsExactlyInAnyOrder(
                        new Change("filter", kept, "UPDATE", 3, db.user()),
                        new Change("filter", added, "INSERT", 3, db.user()),
                        new Change("filter", dropped, "DELETE", 3, db.user()));
    }
}
