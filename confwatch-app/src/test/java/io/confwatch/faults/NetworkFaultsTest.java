package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Faults on the path between worker and database, made by the proxy: connections that go silent, or are reset. */
class NetworkFaultsTest {
    /**
     * Noticing silence (a heartbeat or probe interval plus its timeout: ≤ 1.5 s here), reconnecting (≤ 1 s), the
     * catch-up sweep and reads; with room for a slow CI machine.
     */
    private static final Duration BOUND = Duration.ofSeconds(15);

    /** The goal for a half-open path at default settings: noticed and healed within this (issue 11, case 4). */
    private static final Duration DEFAULTS_BOUND = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(NetworkFaultsTest.class);

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

    /**
     * Half-open at the default liveness settings (heartbeat, its timeout, probe, query timeout, reconnect backoff):
     * noticed — the listener rebuilt — and a write made after the fault served within 10 s of it. Only the sweeps are
     * kept out of the way, so the time measured is the listener's.
     */
    @Test
    void stall_atDefaultLivenessSettings_isNoticedAndServedWithinTenSeconds() {
        TestDatabase db = rig.createDatabase("halfopen_defaults");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(3);
        WorkerConfig tuned = rig.config(db);
        WorkerConfig defaults = WorkerConfig.defaults();
        WorkerConfig config = tuned.withPool(defaults.pool()).withListener(defaults.listener());
        try (ConfWatch confWatch = Faults.startReady(config)) {
            long fault = System.nanoTime();
            rig.proxy().stall();
            rows.redefine(tenants.get(0), "polygon");
            await().atMost(DEFAULTS_BOUND.minusNanos(System.nanoTime() - fault))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> confWatch.status().listener().reconnects() > 0);
            long noticed = System.nanoTime() - fault;
            Duration served = Recovery.awaitEqual(
                    "half-open at the default liveness settings, from the fault",
                    confWatch,
                    rows,
                    fault,
                    DEFAULTS_BOUND);
            log.info(
                    "HALF-OPEN AT DEFAULTS: listener rebuilt {} ms after the fault, every tenant equal after {} ms",
                    Duration.ofNanos(noticed).toMillis(),
                    served.toMillis());
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
