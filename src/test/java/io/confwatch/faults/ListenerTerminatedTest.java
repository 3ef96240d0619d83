package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.WorkerStatus;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The LISTEN backend is ended by the server ({@code pg_terminate_backend}): a failover, an admin, a pooler. */
class ListenerTerminatedTest {
    /** Reconnect (≤ 1 s backoff) plus the catch-up sweep and a read, with room for a slow CI machine. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static FaultRig rig;

    @BeforeAll
    static void startRig() {
        rig = FaultRig.start();
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @AfterEach
    void healProxy() {
        rig.proxy().accept();
    }

    @Test
    void terminate_writeMadeWhileTheListenerCannotReconnect_isServedOnceItCan() {
        TestDatabase db = rig.createDatabase("terminated");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(10);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            UUID tenant = tenants.get(0);
            long before = confWatch.snapshot(tenant).orElseThrow().version();
            // Kept from reconnecting until the write is in: the write's notification is surely lost.
            rig.proxy().refuse();
            assertThat(rig.terminateListener(db, confWatch.config().workerId())).isEqualTo(1);
            await().atMost(BOUND).until(() -> !confWatch.status().listener().connected());

            rows.redefine(tenant, "polygon");
            WorkerStatus deaf = Recovery.logStatus("listener terminated (deaf)", confWatch);
            assertThat(deaf.ready()).isTrue();
            assertThat(deaf.listener().deafFor(Instant.now())).isPositive();
            assertThat(confWatch.snapshot(tenant).orElseThrow().version()).isEqualTo(before);

            long back = System.nanoTime();
            rig.proxy().accept();
            Recovery.awaitEqual("listener terminated, from the moment it may reconnect", confWatch, rows, back, BOUND);
            assertThat(confWatch.snapshot(tenant).orElseThrow().version()).isEqualTo(before + 1);
            Recovery.assertReconnected(confWatch);
        }
    }

    @Test
    void terminate_writeRightAfter_isServed() {
        TestDatabase db = rig.createDatabase("terminated");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(10);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            long fault = System.nanoTime();
            assertThat(rig.terminateListener(db, confWatch.config().workerId())).isEqualTo(1);
            rows.redefine(tenants.get(0), "polygon");
            rows.redefine(tenants.get(1), "polygon");

            Recovery.awaitEqual("listener terminated, from the fault", confWatch, rows, fault, BOUND);
            await().atMost(BOUND).untilAsserted(() -> Recovery.assertReconnected(confWatch));
        }
    }
}
