package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.reloads;
import static io.confwatch.it.Fixtures.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A full reload waits in a lane of its own: a hint that arrives while thousands of tenants are queued for it is read
 * before them, not after.
 */
@ExtendWith(PostgresExtension.class)
class FullReloadLaneTest {
    private static final int TENANTS = 3_000;
    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = new Fixtures(database);
        db.execute("set confwatch.notify = off; insert into confwatch.tenants (id, name)"
                + " select gen_random_uuid(), 'bulk ' || g from generate_series(1, " + TENANTS + ") g");
        WorkerConfig config = Fixtures.config(database);
        // One tenant per statement: the full reload below takes thousands of statements, one after another, so the
        // hint's round trip (a JDBC write, its notification, the read) is a small part of it even on a fast machine
        // (with batches of 5 a quiet machine read 1,751 of 3,001 tenants while the hint made that trip).
        // Its initial load is thousands of statements too: on a busy machine it takes longer than Fixtures.WAIT.
        confWatch = ConfWatch.start(config.withReload(config.reload().withLoadBatchSize(1)));
        assertThat(confWatch.awaitReady(Duration.ofMinutes(2))).as("ready").isTrue();
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void hintDuringFullReload_isReadBeforeTheQueuedTenants() {
        UUID tenant = db.tenant("hinted");
        UUID monitor = db.monitor(tenant, "m", monitorOn("before"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);
        // Every tenant's rows rewritten without triggers (new row versions, the same content): the full reload reads
        // every tenant whole, as it would after a restore, rather than skipping what the start-up verified.
        db.execute("begin; set local session_replication_role = replica; update confwatch.tenants set name = name;"
                + " commit");
        double manualBefore = reloads(confWatch, "manual");

        int queued = within(confWatch.reloadAll());
        db.redefine(EntityKind.MONITOR, monitor, monitorOn("during"));
        held(confWatch, tenant, before.version() + 1);
        double readWhenHintApplied = reloads(confWatch, "manual") - manualBefore;

        assertThat(queued).isGreaterThan(TENANTS);
        assertThat(readWhenHintApplied)
                .as("tenants the full reload had read when the hinted change was installed")
                .isLessThan(queued / 2.0);
    }
}
