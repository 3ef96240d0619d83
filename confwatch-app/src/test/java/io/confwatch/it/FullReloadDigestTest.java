package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.ConfWatch;
import io.confwatch.config.ReloadBudget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.EntityKind;
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
 * The digest-gated full reload: it skips tenants whose rows' digest is the one their held snapshot was verified at (by
 * the start-up's whole read or a full reload's), and still catches every write that bypassed the triggers, including a
 * restore of other rows at the same version; a failed read verifies nothing.
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
        // Every kind of row a whole read returns, and rows it does not (inactive ones), so that the digest a whole read
        // makes of its rows and the one the database computes must agree on all of them.
        UUID mixed = db.tenant("digest mixed");
        UUID monitor = db.monitor(mixed, "m1", monitorOn("mixed-1"));
        db.monitor(mixed, "m2", monitorOn("mixed-2"));
        db.filter(mixed, "f1", "severity > 2", monitor);
        db.filter(mixed, "f2", "severity > 3", null);
        db.trigger(mixed, "t1", "https://hooks.example/1");
        UUID inactive = db.monitor(mixed, "m3", monitorOn("mixed-3"));
        db.setActive(EntityKind.MONITOR, inactive, false);
        db.tenant("digest empty");
    }

    @Test
    void theFirstFullReloadAfterAStart_readsNoTenantWhole_whenNothingChanged() throws Exception {
        try (ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database))) {
            FullReloadStatus.Finished first = run(confWatch);

            assertThat(first.tenants()).isEqualTo(db.tenantCount());
            assertThat(first.read())
                    .as("tenants the first full reload after a start read whole (the start-up read them all)")
                    .isZero();
            assertThat(first.skipped()).isEqualTo(first.tenants());
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

            assertThat(first.skipped()).as("nothing written: all skipped").isEqualTo(first.tenants());

            db.execute("begin; alter table confwatch.monitors disable trigger user;"
                    + " update confwatch.monitors set definition = '" + monitorOn("by-hand") + "' where id = '"
                    + alteredMonitor + "'; alter table confwatch.monitors enable trigger user; commit");
            db.execute("begin; set local session_replication_role = replica;"
                    + " update confwatch.monitors set definition = '" + monitorOn("replicated") + "' where id = '"
                    + replicaMonitor + "'; commit");
            FullReloadStatus.Finished second = run(confWatch);

            assertThat(second.read())
                    .as("tenants read whole after two trigger-less writes")
                    .isEqualTo(2);
            assertThat(second.skipped()).isEqualTo(second.tenants() - 2);
            assertThat(definition(confWatch, altered)).contains("by-hand");
            assertThat(definition(confWatch, replica)).contains("replicated");
            assertThat(confWatch.snapshot(altered).orElseThrow().version()).isEqualTo(alteredBefore.version());
            assertThat(confWatch.snapshot(replica).orElseThrow().version()).isEqualTo(replicaBefore.version());
        }
    }

    @Test
    void otherRowsRestoredAtTheSameVersion_withTriggersOff_areCaught() throws Exception {
        UUID restored = db.tenant("restored");
        UUID monitor = db.monitor(restored, "m", monitorOn("original"));
        try (ConfWatch confWatch = Fixtures.startReady(Fixtures.config(database))) {
            TenantSnapshot before = db.heldCurrent(confWatch, restored);
            // A restore of an older copy of the tenant's rows, as a replication tool or a hand-made repair writes it:
            // the same ids, names, stamps and tenant version, another definition, no trigger fired.
            db.execute("begin; set local session_replication_role = replica;"
                    + " create temporary table copy on commit drop as select * from confwatch.monitors where id = '"
                    + monitor + "'; update copy set definition = '" + monitorOn("restored") + "';"
                    + " delete from confwatch.monitors where id = '" + monitor + "';"
                    + " insert into confwatch.monitors select * from copy; commit");
            FullReloadStatus.Finished next = run(confWatch);

            assertThat(next.read()).as("tenants read whole after the restore").isEqualTo(1);
            TenantSnapshot after = confWatch.snapshot(restored).orElseThrow();
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(after.changedAt()).isEqualTo(before.changedAt());
            assertThat(after.monitors().get(0).updatedAt())
                    .isEqualTo(before.monitors().get(0).updatedAt());
            assertThat(definition(confWatch, restored)).contains("restored");
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
            // Every tenant row rewritten without triggers (same content, new row versions): what the start-up verified
            // no longer stands, so only a full reload's own reads could let the next one skip a tenant.
            db.execute("begin; set local session_replication_role = replica;"
                    + " update confwatch.tenants set name = name; commit");
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
