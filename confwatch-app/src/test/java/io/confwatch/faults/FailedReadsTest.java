package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.ReadFailedException;
import io.confwatch.model.ReadOutcome;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures never look like success: while every tenant read fails (the entity tables locked past the query timeout,
 * the tenant list still readable), a forced reload fails with its cause and a full reload is not recorded as done.
 */
class FailedReadsTest {
    private static final Duration FULL = Duration.ofSeconds(1);
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
    void readsFail_reloadFailsWithItsCauseAndNoFullReloadIsRecorded() throws Exception {
        TestDatabase db = rig.createDatabase("failed_reads");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(3);
        WorkerConfig config = rig.config(db);
        config = config.withReload(config.reload().withFullReloadInterval(FULL));
        try (ConfWatch confWatch = Faults.startReady(config);
                Connection locker = db.connect()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("lock table confwatch.monitors in access exclusive mode");
            }
            Instant before = confWatch.status().lastFullReloadAt();

            assertThatThrownBy(() -> confWatch.reload(tenants.get(0)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ReadFailedException.class);
            assertThat(confWatch.snapshot(tenants.get(0)))
                    .as("the last good snapshot is kept")
                    .isPresent();
            ReadOutcome outcome = confWatch.reloadOutcome(tenants.get(1)).get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(ReadOutcome.Failed.class);
            ReadOutcome.Failed failed = (ReadOutcome.Failed) outcome;
            assertThat(failed.tenant()).isEqualTo(tenants.get(1));
            assertThat(failed.cause()).isNotBlank().doesNotContain("\n");
            assertThat(confWatch
                            .meterRegistry()
                            .find(ConfWatchMetrics.RELOADS)
                            .tags("cause", "manual", "outcome", "failed")
                            .counter())
                    .as("confwatch_reloads_total{outcome=\"failed\"}")
                    .isNotNull()
                    .satisfies(counter -> assertThat(counter.count()).isGreaterThanOrEqualTo(2));

            // The periodic full reload's reads fail; it must not be recorded as done, however often it runs.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> confWatch.status().failingTenants().size() == 3);
            await().during(FULL.multipliedBy(3))
                    .atMost(FULL.multipliedBy(6))
                    .until(() -> Objects.equals(confWatch.status().lastFullReloadAt(), before));
            locker.rollback();
        }
    }
}
