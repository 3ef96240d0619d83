package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random writes to many tenants for a while, with a fault every few seconds, every kind in turn. At the end no tenant
 * differs from the database, by version or by content. {@code -Dconfwatch.soak.seconds=N} sets how long (default
 * {@value #DEFAULT_SECONDS}), {@code -Dconfwatch.soak.seed=N} replays a run's writes.
 */
class SoakTest {
    private static final Logger log = LoggerFactory.getLogger(SoakTest.class);
    private static final long DEFAULT_SECONDS = 45;
    private static final Duration DURATION =
            Duration.ofSeconds(Long.getLong("confwatch.soak.seconds", DEFAULT_SECONDS));
    /** Calm between two faults. */
    private static final Duration BETWEEN = Duration.ofSeconds(2);
    /** How long a lasting fault (half-open, database down, network down) lasts. */
    private static final Duration HOLD = Duration.ofSeconds(2);
    /** From the last write to every tenant equal: what the dedicated fault tests allow, and then some. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static FaultRig rig;

    /** The faults, in the order they come. */
    private enum Fault {
        LISTENER_TERMINATED,
        HALF_OPEN,
        CONNECTIONS_RESET,
        DATABASE_RESTART,
        DATABASE_DOWN,
        NETWORK_DOWN
    }

    @BeforeAll
    static void startRig() {
        rig = FaultRig.start();
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @AfterEach
    void heal() {
        rig.proxy().resume();
        rig.proxy().accept();
        if (!rig.server().isRunning()) {
            rig.server().restart();
        }
    }

    @Test
    void soak_randomWritesUnderRotatingFaults_noTenantDiffersAtTheEnd() throws InterruptedException {
        long seed = Long.getLong("confwatch.soak.seed", System.nanoTime());
        log.info(
                "Soak: {} s, seed {} (replay its writes with -Dconfwatch.soak.seed={})",
                DURATION.toSeconds(),
                seed,
                seed);
        TestDatabase db = rig.createDatabase("soak");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(200);
        Map<Fault, Integer> injected = new TreeMap<>();
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            try (Writers writers = Writers.start(rows, tenants, 2, seed)) {
                long end = System.nanoTime() + DURATION.toNanos();
                for (int i = 0; System.nanoTime() < end; i++) {
                    Thread.sleep(BETWEEN.toMillis());
                    Fault fault = Fault.values()[i % Fault.values().length];
                    inject(fault, db, confWatch);
                    injected.merge(fault, 1, Integer::sum);
                }
                Thread.sleep(BETWEEN.toMillis());
                log.info("Soak: faults injected {}, changes committed {}", injected, writers.committed());
            }
            long lastWrite = System.nanoTime();
            Recovery.awaitEqual("soak, from the last write", confWatch, rows, lastWrite, BOUND);

            assertThat(injected.keySet()).as("every kind of fault came").containsExactlyInAnyOrder(Fault.values());
            assertThat(confWatch.status().listener().reconnects()).isGreaterThanOrEqualTo(injected.size());
            assertThat(confWatch.isReady()).isTrue();
        }
    }

    private void inject(Fault fault, TestDatabase db, ConfWatch confWatch) throws InterruptedException {
        log.info("Soak: {}", fault);
        switch (fault) {
            case LISTENER_TERMINATED ->
                rig.terminateListener(db, confWatch.config().workerId());
            case HALF_OPEN -> {
                rig.proxy().stall();
                Thread.sleep(HOLD.toMillis());
                rig.proxy().resume();
            }
            case CONNECTIONS_RESET -> rig.proxy().closeAll();
            case DATABASE_RESTART -> rig.server().restart();
            case DATABASE_DOWN -> {
                rig.server().stop();
                Thread.sleep(HOLD.toMillis());
                rig.server().restart();
            }
            case NETWORK_DOWN -> {
                // The worker's path is down; the writers' is not: they write on, unseen, meanwhile.
                rig.proxy().refuse();
                rig.proxy().closeAll();
                Thread.sleep(HOLD.toMillis());
                rig.proxy().accept();
            }
        }
    }
}
