package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults on the path between worker and database, made by the proxy: connections that go silent, or are reset. */
class NetworkFaultsTest {
    /**
     * Noticing silence (a heartbeat or probe interval plus its timeout: ≤ 1.5 s here), reconnecting (≤ 1 s), the
     * catch-up sweep and reads; with room for a slow CI machine.
     */
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

    @AfterEach
    void healProxy() {
        rig.proxy().resume();
    }

    /**
     * Every connection the worker holds goes silent without closing — a half-open path after a partition or a NAT
     * reset — while new connections still get through.
     */
    @Test
    void stall_writeMadeAfterIt_isServedWithinTheProbeBound() {
        TestDatabase db = rig.createDatabase("halfopen");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(10);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            long fault = System.nanoTime();
            rig.proxy().stall();
            rows.redefine(tenants.get(0), "polygon");
            rows.redefine(tenants.get(1), "polygon");
            Recovery.awaitEqual(
                    "half-open (every held connection stalls), from the fault", confWatch, rows, fault, BOUND);
            await().atMost(BOUND).untilAsserted(() -> Recovery.assertReconnected(confWatch));
            assertThat(confWatch.isReady()).isTrue();
        }
    }

    /** Every connection the worker holds is reset at once (a proxy or load balancer restarts, a failover). */
    @Test
    void reset_writeMadeRightAfter_isServed() {
        TestDatabase db = rig.createDatabase("reset");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(10);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            long fault = System.nanoTime();
            rig.proxy().closeAll();
            rows.redefine(tenants.get(0), "polygon");
            rows.redefine(tenants.get(1), "polygon");

            Recovery.awaitEqual("connections reset, from the fault", confWatch, rows, fault, BOUND);
            await().atMost(BOUND).untilAsserted(() -> Recovery.assertReconnected(confWatch));
        }
    }
}
