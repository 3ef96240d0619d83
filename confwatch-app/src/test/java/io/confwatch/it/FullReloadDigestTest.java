package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.ConfWatch;
import io.confwatch.config.ReloadBudget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.ReadFailedException;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The digest-gated full reload: it skips tenants whose rows' digest is the one their held snapshot was verified at, and
 * still catches every write that bypassed the triggers; a failed read verifies nothing.
 */
@ExtendWith(PostgresExtension.class)
class FullReloadDigestTest {
    private static final Duration RUN_BOUND = Duration.ofMinutes(1);
    private static TestDatabase database;
    private static Fixtures db;

    @BeforeAll
    static void seed(TestDatabase given) {
        database = given;
        db = new Fixtures(given);
        for (int i = 0; i < 5; i++) {
            UUID tenant = db.tenant("digest " + i);
            db.monitor(tenant, "m", monitorOn("seed-" + i));
        }
    }

    @Test
    void writesWithTriggersOff_areCaughtByTheDigest_andOnlyThoseTenantsAreReadWhole() throws Exception {
        UUID altered = db.tenant("trigger disabled");
        UUID alteredMonitor = db.monitor(altered, "m", monitorOn("before"));
        UUID replica = db.tenant("replication role replica");
        UUID replicaMonitor = db.monitor(replica, "m", monitorOn("before"));
        try (ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database))) {
            TenantSnapshot alteredBefore = db.heldCurrent(confWatch, altered);
            TenantSnapshot replicaBefore = db.heldCurrent(confWatch, replica);
            FullReloadStatus.Finished first = run(confWatch);
            FullReloadStatus.Finished second = run(confWatch);

            assertThat(first.read()).as("nothing verified yet: all read whole").isEqualTo(first.tenants());
            assertThat(second.skipped()).as("nothing written: all skipped").isEqualTo(second.tenants());

            db.execute("begin; alter table confwatch.monitors disable trigger user;"
                    + " update confwatch.monitors set definition = '" + monitorOn("by-hand") + "' where id = '"
                    + alteredMonitor + "'; alter table confwatch.monitors enable trigger user; commit");
            db.execute("begin; set local session_replication_role = replica;"
                    + " update confwatch.monitors set definition = '" + monitorOn("replicated") + "' where id = '"
                    + replicaMonitor + "'; commit");
            FullReloadStatus.Finished third = run(confWatch);

            assertThat(third.read())
                    .as("tenants read whole after two trigger-less writes")
                    .isEqualTo(2);
            assertThat(third.skipped()).isEqualTo(third.tenants() - 2);
            assertThat(definition(confWatch, altered)).contains("by-hand");
            assertThat(definition(confWatch, replica)).contains("replicated");
            assertThat(confWatch.snapshot(altered).orElseThrow().version()).isEqualTo(alteredBefore.version());
            assertThat(confWatch.snapshot(replica).orElseThrow().version()).isEqualTo(replicaBefore.version());
        }
    }

    @Test
    void aFullReloadWhoseReadsFailed_verifiesNothing_soTheNextReadsEveryTenantWhole() throws Exception {
        WorkerConfig config = Fixtures.config(database);
        // Short statements, and no retry within the test: only a full reload can read the tenants again.
        config = config.withPool(config.pool().withQueryTimeout(Duration.ofSeconds(1)))
                .withReload(config.reload()
                        .withRetryBackoff(Duration.ofHours(1), Duration.ofHours(1))
                        .withFullReloadBudget(ReloadBudget.UNPACED));
        try (ConfWatch confWatch = Fixtures.startReady(config);
                Connection locker = database.connect()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("lock table confwatch.monitors in access exclusive mode");
            }
            assertThatThrownBy(() -> run(confWatch))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ReadFailedException.class);
            FullReloadStatus.Finished failed = confWatch.status().fullReload().last();
            locker.rollback();

            FullReloadStatus.Finished next = run(confWatch);

            assertThat(failed.error()).isNotNull();
            assertThat(failed.skipped()).isZero();
            assertThat(next.skipped())
                    .as("tenants skipped after a full reload whose reads all failed")
                    .isZero();
            assertThat(next.read()).isEqualTo(next.tenants());
        }
    }

    private static FullReloadStatus.Finished run(ConfWatch confWatch) throws Exception {
        return confWatch.fullReload().get(RUN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String definition(ConfWatch confWatch, UUID tenant) {
        return confWatch.snapshot(tenant).orElseThrow().monitors().get(0).definition();
    }
}
