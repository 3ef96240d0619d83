package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database goes back in time (DESIGN §4.2b): the data directory is restored from an earlier copy, and writers reach
 * the lost version numbers again with other content. The worker converges within 3 sweep intervals of the last write,
 * and never loses a tenant that exists throughout.
 */
class DatabaseRewindTest {
    private static final Logger log = LoggerFactory.getLogger(DatabaseRewindTest.class);
    private static final Duration SWEEP = Duration.ofSeconds(2);
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final int TENANTS = 10;

    private static FaultRig rig;

    @BeforeAll
    static void startRig() {
        rig = FaultRig.start();
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @Test
    void restoreEarlierCopy_writersReachTheLostVersionsAgain_convergesWithinThreeSweepsWithoutLosingATenant()
            throws Exception {
        TestDatabase db = rig.createDatabase("rewind");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(TENANTS);
        WorkerConfig config = rig.config(db);
        config = config.withReload(config.reload().withSweepInterval(SWEEP));
        Path backup = Files.createTempDirectory("confwatch-backup");
        Set<UUID> everMissing = ConcurrentHashMap.newKeySet();
        AtomicBoolean watching = new AtomicBoolean(true);
        try (ConfWatch confWatch = Faults.startReady(config)) {
            Recovery.awaitEqual("start", confWatch, rows, System.nanoTime(), SETTLE);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    tenants.stream()
                            .filter(t -> confWatch.snapshot(t).isEmpty())
                            .forEach(everMissing::add);
                    Thread.onSpinWait();
                }
            });
            watcher.setDaemon(true);
            watcher.start();

            rig.copyDataTo(backup);
            for (UUID tenant : tenants) {
                rows.redefine(tenant, "lost-1");
                rows.redefine(tenant, "lost-2");
            }
            Recovery.awaitEqual("writes to be lost", confWatch, rows, System.nanoTime(), SETTLE);

            // The worker cannot reach the database until the writers have reached the lost versions again (its
            // catch-up would otherwise see lower versions first, the easy case).
            rig.proxy().refuse();
            rig.restoreDataFrom(backup);
            // The same two versions again, with other content: versions alone cannot tell. Half the tenants go one
            // further, past the versions the worker holds.
            for (int i = 0; i < tenants.size(); i++) {
                UUID tenant = tenants.get(i);
                await().atMost(SETTLE).ignoreExceptions().untilAsserted(() -> rows.redefine(tenant, "found-1"));
                rows.redefine(tenant, "found-2");
                if (i % 2 == 0) {
                    rows.redefine(tenant, "found-3");
                }
            }
            rig.proxy().accept();
            long back = System.nanoTime();
            Duration took = Recovery.awaitEqual(
                    "restore of an earlier copy, versions reached again", confWatch, rows, back, SWEEP.multipliedBy(3));
            log.info(
                    "REWIND converged {} ms after the database was reachable again (sweep interval {})",
                    took.toMillis(),
                    SWEEP);
            watching.set(false);
            watcher.join(TimeUnit.SECONDS.toMillis(5));
        } finally {
            watching.set(false);
        }
        assertThat(everMissing)
                .as("tenants that existed throughout but were not held for a while")
                .isEmpty();
    }
}
