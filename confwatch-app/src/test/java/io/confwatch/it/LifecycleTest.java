package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Start-up loses no write made while it runs; shutdown is bounded. */
@ExtendWith(PostgresExtension.class)
class LifecycleTest {
    @Test
    void start_writesDuringTheInitialLoad_noneLost(TestDatabase database) throws Exception {
        Fixtures db = new Fixtures(database);
        List<UUID> tenants = new ArrayList<>();
        List<UUID> monitors = new ArrayList<>();
        db.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'bulk-' || g"
                + " from generate_series(1, 300) g");
        for (int i = 0; i < 20; i++) {
            UUID tenant = db.tenant("busy-" + i);
            tenants.add(tenant);
            monitors.add(db.monitor(tenant, "m", monitorOn("n0")));
        }
        WorkerConfig config = Fixtures.config(database);
        // Small pages make the initial load long enough for writes to land in the middle of it.
        config = config.withReload(config.reload().withLoadBatchSize(5));
        AtomicReference<ConfWatch> started = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();

        CompletableFuture<Void> starting = CompletableFuture.runAsync(startIn(config, started));
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            while (started.get() == null || !started.get().isReady()) {
                int i = ThreadLocalRandom.current().nextInt(monitors.size());
                s.execute("update confwatch.monitors set definition = '" + monitorOn("n" + writes.incrementAndGet())
                        + "' where id = '" + monitors.get(i) + "'");
                if (starting.isCompletedExceptionally()) {
                    starting.join();
                }
            }
        }

        try (ConfWatch confWatch = started.get()) {
            assertThat(writes.get()).as("writes made while starting").isGreaterThan(0);
            for (UUID tenant : tenants) {
                db.heldCurrent(confWatch, tenant);
            }
            assertThat(confWatch.tenants()).hasSize(db.tenantCount());
        }
    }

    @Test
    void close_idle_returnsWithinTheShutdownTimeoutAndIsNotReady(TestDatabase database) {
        Duration shutdownTimeout = Duration.ofSeconds(2);
        ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database).withShutdownTimeout(shutdownTimeout));
        assertThat(confWatch.isReady()).isTrue();

        long started = System.nanoTime();
        confWatch.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(shutdownTimeout);
        assertThat(confWatch.isReady()).isFalse();
        confWatch.close();
    }

    @Test
    void close_loadStuckBehindALock_returnsWithinTheShutdownTimeout(TestDatabase database) throws Exception {
        Fixtures db = new Fixtures(database);
        UUID tenant = db.tenant("stuck");
        db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        Duration shutdownTimeout = Duration.ofSeconds(2);
        ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database).withShutdownTimeout(shutdownTimeout));
        db.heldCurrent(confWatch, tenant);

        try (Connection locker = db.connection();
                Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("lock table confwatch.monitors in access exclusive mode");
            CompletableFuture<?> stuck = confWatch.reload(tenant);
            awaitBlockedOnLock(db, locker);
            assertThat(stuck).isNotDone();

            long started = System.nanoTime();
            confWatch.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isLessThan(shutdownTimeout.plusSeconds(1));
            assertThat(confWatch.isReady()).isFalse();
            locker.rollback();
        }
    }

    private static Runnable startIn(WorkerConfig config, AtomicReference<ConfWatch> started) {
        return () -> started.set(ConfWatch.start(config));
    }

    /** Waits until some other session waits for a lock held by {@code locker}. */
    private static void awaitBlockedOnLock(Fixtures db, Connection locker) {
        org.awaitility.Awaitility.await().atMost(Fixtures.WAIT).until(() -> {
            try (Connection c = db.connection();
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("select count(*) from pg_locks where not granted")) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        });
    }
}
