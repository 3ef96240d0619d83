package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.notifications;
import static io.confwatch.it.Fixtures.reloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.Mode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Writes that send no notification still arrive: through the versioned sweep, or in poll mode. */
@ExtendWith(PostgresExtension.class)
class SafetyNetTest {
    private static TestDatabase database;
    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase testDatabase) {
        database = testDatabase;
        db = new Fixtures(database);
        WorkerConfig config = Fixtures.config(database);
        confWatch = Fixtures.startReady(config.withReload(config.reload().withSweepInterval(Duration.ofMillis(500))));
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void sweep_writesWithNotificationsOff_pickedUpWithoutAHint() throws Exception {
        UUID tenant = db.tenant("quiet");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long v = db.heldCurrent(confWatch, tenant).version();
        double sweepsBefore = Fixtures.settled(() -> reloads(confWatch, "sweep"));
        double hintsBefore =
                Fixtures.settled(() -> notifications(confWatch, "accepted") + notifications(confWatch, "stale"));
        UUID created = UUID.randomUUID();

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("set confwatch.notify = off");
            s.execute("update confwatch.monitors set definition = '" + monitorOn("polygon") + "' where id = '" + monitor
                    + "'");
            s.execute("insert into confwatch.tenants (id, name) values ('" + created + "', 'created-quietly')");
        }

        TenantSnapshot snapshot = held(confWatch, tenant, v + 1);
        assertThat(snapshot.monitors().get(0).definition()).contains("polygon");
        assertThat(held(confWatch, created, 1).name()).isEqualTo("created-quietly");
        await().atMost(Fixtures.WAIT)
                .untilAsserted(() -> assertThat(reloads(confWatch, "sweep")).isGreaterThanOrEqualTo(sweepsBefore + 2));
        assertThat(notifications(confWatch, "accepted") + notifications(confWatch, "stale"))
                .isEqualTo(hintsBefore);

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("set confwatch.notify = off");
            s.execute("delete from confwatch.tenants where id = '" + created + "'");
        }
        await().atMost(Fixtures.WAIT).until(() -> confWatch.snapshot(created).isEmpty());
    }

    @Test
    void pollMode_writes_propagateWithoutListening() {
        WorkerConfig config = Fixtures.config(database).withMode(Mode.POLL);
        config = config.withReload(config.reload().withPollInterval(Duration.ofMillis(200)));
        try (ConfWatch polling = Fixtures.startReady(config)) {
            assertThat(polling.status().listener()).isNull();
            UUID tenant = db.tenant("polled");
            assertThat(held(polling, tenant, 1).name()).isEqualTo("polled");

            UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
            assertThat(db.heldCurrent(polling, tenant).monitors())
                    .singleElement()
                    .satisfies(m -> assertThat(m.id()).isEqualTo(monitor));

            db.redefine(EntityKind.MONITOR, monitor, monitorOn("polygon"));
            assertThat(db.heldCurrent(polling, tenant).monitors().get(0).definition())
                    .contains("polygon");

            db.deleteTenant(tenant);
            await().atMost(Fixtures.WAIT).until(() -> polling.snapshot(tenant).isEmpty());
            assertThat(notifications(polling, "accepted")).isZero();
            assertThat(reloads(polling, "notify")).isZero();
        }
    }
}
