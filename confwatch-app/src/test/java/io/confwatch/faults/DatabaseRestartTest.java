package io.confwatch.faults;

import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL restarts (fast shutdown: every session ended, then back on the same port) while writers keep writing. */
class DatabaseRestartTest {
    private static final Logger log = LoggerFactory.getLogger(DatabaseRestartTest.class);
    /** Reconnect (≤ 1 s backoff), catch-up sweep, reads retried (≤ 1 s backoff); with room for a slow CI machine. */
    private static final Duration BOUND = Duration.ofSeconds(15);

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
    void restart_whileWritesContinue_everyTenantEqualsTheDatabaseAfterwards() {
        TestDatabase db = rig.createDatabase("restart");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(100);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            long lastWrite;
            long back;
            try (Writers writers = Writers.start(rows, tenants, 2, /* seed= */ 42)) {
                await().atMost(BOUND).until(() -> writers.committed() >= 50);
                long fault = System.nanoTime();
                rig.server().restart();
                back = System.nanoTime();
                log.info(
                        "Database restarted in {} ms",
                        Duration.ofNanos(back - fault).toMillis());
                // A few writes once it is back, some likely before the listener is: only the catch-up finds those.
                long before = writers.committed();
                await().atMost(BOUND).until(() -> writers.committed() >= before + 10);
            }
            lastWrite = System.nanoTime();
            Duration afterLastWrite = Recovery.awaitEqual(
                    "database restart under writes, from the last write", confWatch, rows, lastWrite, BOUND);
            log.info(
                    "RECOVERY database restart under writes: equal {} ms after the database was back ({} ms after the"
                            + " last write)",
                    Duration.ofNanos(System.nanoTime() - back).toMillis(),
                    afterLastWrite.toMillis());
            await().atMost(BOUND).untilAsserted(() -> Recovery.assertReconnected(confWatch));
        }
    }
}
