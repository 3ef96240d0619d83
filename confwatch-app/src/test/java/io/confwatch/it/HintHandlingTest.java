package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.hint;
import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.notifications;
import static io.confwatch.it.Fixtures.reloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Notifications are untrusted hints: storms coalesce, junk is counted and ignored, versions never go back. */
@ExtendWith(PostgresExtension.class)
class HintHandlingTest {
    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = new Fixtures(database);
        confWatch = Fixtures.startReady(Fixtures.config(database));
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void hintStorm_tenThousandHintsAboveTheDatabaseVersion_atMostTwoLoadsAndNoLoop() throws Exception {
        UUID tenant = db.tenant("storm");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long v = db.heldCurrent(confWatch, tenant).version();
        double loadsBefore = Fixtures.settled(() -> reloads(confWatch, "notify"));

        // One real write takes the database to v+1; with it and in nine transactions right after, 10,000 hints
        // v+1..v+10000 (distinct, so none is folded) arrive in bursts while loads are in flight, all but the first
        // claiming versions the database never reaches.
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("update confwatch.monitors set definition = '" + monitorOn("polygon") + "' where id = '" + monitor
                    + "'");
            for (long first = v + 1; first <= v + 10_000; first += 1_000) {
                s.execute("select pg_notify('confwatch_changes', format('{\"tenant\":\"%s\",\"version\":%s}', '"
                        + tenant + "', g)) from generate_series(" + first + ", " + (first + 999) + ") g");
                c.commit();
            }
        }

        assertThat(held(confWatch, tenant, v + 1).monitors().get(0).definition())
                .contains("polygon");
        await().atMost(Fixtures.WAIT).during(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        reloads(confWatch, "notify") - loadsBefore)
                .isBetween(1.0, 2.0));
        assertThat(confWatch.snapshot(tenant)).map(TenantSnapshot::version).contains(v + 1);

        // The worker is not poisoned by the versions it was promised: the next real write still lands.
        db.redefine(EntityKind.MONITOR, monitor, monitorOn("base"));
        assertThat(db.heldCurrent(confWatch, tenant).monitors().get(0).definition())
                .contains("base");
    }

    @Test
    void hintAboveTheDatabase_versionSkippingAhead_checkedWithoutALoad() {
        UUID tenant = db.tenant("far-ahead");
        db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        TenantSnapshot current = db.heldCurrent(confWatch, tenant);
        double loadsBefore = Fixtures.settled(() -> reloads(confWatch, "notify"));
        double disprovedBefore = Fixtures.count(confWatch, ConfWatchMetrics.DISPROVED_HINTS, null, null);

        db.notify(hint(tenant, current.version() + 5_000));

        await().atMost(Fixtures.WAIT).untilAsserted(() -> assertThat(
                        Fixtures.count(confWatch, ConfWatchMetrics.DISPROVED_HINTS, null, null) - disprovedBefore)
                .isEqualTo(1));
        assertThat(Fixtures.settled(() -> reloads(confWatch, "notify"))).isEqualTo(loadsBefore);
        assertThat(confWatch.snapshot(tenant)).containsSame(current);
    }

    @Test
    void hintSkippingVersions_afterWritesWithNotificationsOff_stillLoads() throws Exception {
        UUID tenant = db.tenant("skipping");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long v = db.heldCurrent(confWatch, tenant).version();

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("set confwatch.notify = off");
            s.execute("update confwatch.monitors set name = 'quiet' where id = '" + monitor + "'");
            s.execute("set confwatch.notify = on");
            s.execute("update confwatch.monitors set definition = '" + monitorOn("polygon") + "' where id = '" + monitor
                    + "'");
        }

        TenantSnapshot snapshot = held(confWatch, tenant, v + 2);
        assertThat(snapshot.monitors()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("quiet");
            assertThat(m.definition()).contains("polygon");
        });
    }

    @Test
    void junkNotifications_malformedOversizedOrWrongTypes_countedAndIgnored() throws Exception {
        UUID tenant = db.tenant("junk");
        long v = db.heldCurrent(confWatch, tenant).version();
        double malformedBefore = notifications(confWatch, "malformed");
        List<String> junk = List.of(
                "",
                "not json",
                "{\"tenant\":\"" + tenant + "\"",
                "[\"" + tenant + "\", 5]",
                "{\"tenant\":\"" + tenant + "\",\"version\":\"" + (v + 1) + "\"}",
                "{\"tenant\":\"" + tenant + "\",\"version\":-1}",
                "{\"tenant\":\"" + tenant + "\",\"version\":1.5}",
                "{\"tenant\":\"" + tenant + "\",\"version\":99999999999999999999999}",
                "{\"tenant\":\"not-a-uuid\",\"version\":" + (v + 1) + "}",
                "{\"tenant\":\"" + tenant + "\"}",
                "{\"tenant\":\"" + tenant + "\",\"version\":" + (v + 1) + ",\"extra\":true}",
                "{\"tenant\":\"" + tenant + "\",\"version\":" + (v + 1) + ",\"tenant\":\"" + tenant + "\"}",
                "{\"tenant\":\"" + tenant + "\",\"version\":" + (v + 1) + ",\"pad\":\"" + "x".repeat(7_000) + "\"}");

        try (Connection c = db.connection();
                PreparedStatement s = c.prepareStatement("select pg_notify('confwatch_changes', ?)")) {
            for (String payload : junk) {
                s.setString(1, payload);
                s.execute();
            }
        }

        await().atMost(Fixtures.WAIT)
                .untilAsserted(() -> assertThat(notifications(confWatch, "malformed") - malformedBefore)
                        .isEqualTo(junk.size()));
        assertThat(confWatch.snapshot(tenant)).map(TenantSnapshot::version).contains(v);
        assertThat(confWatch.status().listener().connected()).isTrue();

        UUID monitor = db.monitor(tenant, "after-junk", monitorOn("ethereum_mainnet"));
        assertThat(db.heldCurrent(confWatch, tenant).monitors()).singleElement().satisfies(m -> assertThat(m.id())
                .isEqualTo(monitor));
    }

    @Test
    void unknownTenantHints_countedAndIgnored_workerKeepsWorking() {
        double unknownBefore = Fixtures.count(confWatch, ConfWatchMetrics.UNKNOWN_TENANT_HINTS, null, null);
        int heldBefore = confWatch.size();
        List<UUID> strangers = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());

        for (UUID stranger : strangers) {
            db.notify(hint(stranger, 7));
        }

        await().atMost(Fixtures.WAIT).untilAsserted(() -> assertThat(
                        Fixtures.count(confWatch, ConfWatchMetrics.UNKNOWN_TENANT_HINTS, null, null) - unknownBefore)
                .isEqualTo(strangers.size()));
        assertThat(confWatch.size()).isEqualTo(heldBefore);
        strangers.forEach(stranger -> assertThat(confWatch.snapshot(stranger)).isEmpty());

        UUID tenant = db.tenant("after-strangers");
        assertThat(held(confWatch, tenant, 1).name()).isEqualTo("after-strangers");
    }

    @Test
    void staleHints_versionsAtOrBelowTheHeldOne_neverMoveItBack() {
        UUID tenant = db.tenant("monotonic");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        db.redefine(EntityKind.MONITOR, monitor, monitorOn("polygon"));
        TenantSnapshot current = db.heldCurrent(confWatch, tenant);
        List<Long> versionsSeen = new CopyOnWriteArrayList<>();
        confWatch.addListener(change -> recordVersion(change, tenant, versionsSeen));
        double staleBefore = notifications(confWatch, "stale");

        for (long version = current.version(); version >= 0; version--) {
            db.notify(hint(tenant, version));
        }

        await().atMost(Fixtures.WAIT).untilAsserted(() -> assertThat(notifications(confWatch, "stale") - staleBefore)
                .isEqualTo(current.version() + 1));
        assertThat(confWatch.snapshot(tenant)).contains(current);

        db.redefine(EntityKind.MONITOR, monitor, monitorOn("base"));
        db.redefine(EntityKind.MONITOR, monitor, monitorOn("arbitrum"));
        db.heldCurrent(confWatch, tenant);
        await().atMost(Fixtures.WAIT).untilAsserted(() -> assertThat(versionsSeen)
                .isSorted()
                .doesNotHaveDuplicates()
                .last()
                .isEqualTo(current.version() + 2));
    }

    private static void recordVersion(TenantChange change, UUID tenant, List<Long> versions) {
        if (change.tenant().equals(tenant)) {
            versions.add(change.current().map(TenantSnapshot::version).orElse(-1L));
        }
    }
}
