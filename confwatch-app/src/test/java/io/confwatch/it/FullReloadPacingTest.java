package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.ReloadBudget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.EntityKind;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full reloads keep to their budget of database time per second, measured from the database's side (how often one of
 * the worker's backends is executing), and hints do not wait for them.
 */
@ExtendWith(PostgresExtension.class)
class FullReloadPacingTest {
    private static final Logger log = LoggerFactory.getLogger(FullReloadPacingTest.class);
    private static final int TENANTS = 1_500;
    private static final Duration RUN_BOUND = Duration.ofMinutes(3);
    private static TestDatabase database;
    private static Fixtures db;

    @BeforeAll
    static void seed(TestDatabase given) {
        database = given;
        db = new Fixtures(given);
        db.execute("set confwatch.notify = off;"
                + " insert into confwatch.tenants (id, name)"
                + " select gen_random_uuid(), 'paced ' || g from generate_series(1, " + TENANTS + ") g;"
                + " insert into confwatch.monitors (tenant_id, name, definition)"
                + " select t.id, 'm' || g, jsonb_build_object('networks', jsonb_build_array('net' || g),"
                + "        'addresses', jsonb_build_array(md5(t.id::text || g)), 'match', jsonb_build_object('g', g))"
                + "   from confwatch.tenants t, generate_series(1, 4) g;"
                + " analyze");
    }

    private static WorkerConfig config(double budget, int pageSize) {
        WorkerConfig config = Fixtures.config(database);
        return config.withReload(
                config.reload().withLoadBatchSize(pageSize).withFullReloadBudget(new ReloadBudget(budget)));
    }

    @Test
    void fullReloads_wholeAndByDigest_keepTheDatabaseBusyNoMoreThanTheBudget() throws Exception {
        double budget = 0.2;
        try (ConfWatch confWatch = startReady(config(budget, 25))) {
            // First every tenant is read whole (each one's rows rewritten without triggers since the start-up verified
            // them: new row versions, the same content), then each is only digested.
            db.execute("begin; set local session_replication_role = replica; update confwatch.tenants set name = name;"
                    + " commit");
            for (String run : new String[] {"whole", "by digest"}) {
                Duration spentBefore = confWatch.status().fullReload().databaseTime();
                try (BusySampler sampler =
                        new BusySampler("confwatch-" + confWatch.config().workerId())) {
                    FullReloadStatus.Finished finished =
                            confWatch.fullReload().get(RUN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    double busy = sampler.busyShare();
                    double spent =
                            (confWatch.status().fullReload().databaseTime().toNanos() - spentBefore.toNanos())
                                    / (double) finished.took().toNanos();

                    log.info(
                            "PACING {}: {} tenants in {} ms, busy share {} over {} samples, measured {} per second"
                                    + " (budget {})",
                            run,
                            finished.tenants(),
                            finished.took().toMillis(),
                            String.format("%.3f", busy),
                            sampler.samples(),
                            String.format("%.3f", spent),
                            budget);
                    assertThat(finished.error()).as(run).isNull();
                    assertThat(finished.tenants()).as(run).isGreaterThanOrEqualTo(TENANTS);
                    if (run.equals("whole")) {
                        assertThat(finished.read()).as(run).isEqualTo(finished.tenants());
                    } else {
                        assertThat(finished.skipped()).as(run).isEqualTo(finished.tenants());
                    }
                    assertThat(sampler.samples()).as(run + ": samples").isGreaterThan(50);
                    // From the database's side: the share of samples in which a worker backend was executing.
                    assertThat(busy)
                            .as(
                                    "%s: share of the run a worker backend was busy (budget %.2f, %d samples)",
                                    run, budget, sampler.samples())
                            .isLessThanOrEqualTo(budget * 1.5 + 0.05);
                    // From the worker's side: its measured time per wall second, which the pacing holds to.
                    assertThat(spent)
                            .as("%s: measured statement time per second of the run", run)
                            .isLessThanOrEqualTo(budget * 1.25 + 0.02);
                }
            }
        }
    }

    @Test
    void hintDuringAPacedFullReload_isServedPromptlyWhileTheReloadStillRuns() throws Exception {
        // 20 ms of database time per second, a page of 10 tenants: the full reload takes far longer than the test.
        try (ConfWatch confWatch = startReady(config(0.02, 10))) {
            UUID tenant = db.tenant("hinted-during-paced");
            UUID monitor = db.monitor(tenant, "m", monitorOn("before"));
            TenantSnapshot before = db.heldCurrent(confWatch, tenant);
            int covered = Fixtures.within(confWatch.reloadAll());
            // Under way: its first statement has run (and the pause that follows it has begun).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> running(confWatch) != null
                            && !running(confWatch).databaseTime().isZero());

            long written = System.nanoTime();
            db.redefine(EntityKind.MONITOR, monitor, monitorOn("during"));
            TenantSnapshot after = Fixtures.held(confWatch, tenant, before.version() + 1);
            Duration took = Duration.ofNanos(System.nanoTime() - written);
            FullReloadStatus.Running running = running(confWatch);

            assertThat(after.monitors()).singleElement().satisfies(m -> assertThat(m.definition())
                    .contains("during"));
            assertThat(took).as("write → served, during a paced full reload").isLessThan(Duration.ofSeconds(5));
            assertThat(running).as("the full reload is still under way").isNotNull();
            assertThat(running.checked()).isLessThan(covered);
        }
    }

    /** A worker whose initial load (pages as small as the full reload's) may take a while on a busy machine. */
    private static ConfWatch startReady(WorkerConfig config) {
        ConfWatch confWatch = ConfWatch.start(config);
        assertThat(confWatch.awaitReady(Duration.ofMinutes(1)))
                .as("ready within a minute")
                .isTrue();
        return confWatch;
    }

    private static FullReloadStatus.Running running(ConfWatch confWatch) {
        return confWatch.status().fullReload().running();
    }

    /**
     * Samples {@code pg_stat_activity} on a thread of its own until closed: the share of samples in which a backend of
     * {@code applicationName} was executing a statement.
     */
    private static final class BusySampler implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong samples = new AtomicLong();
        private final AtomicLong busy = new AtomicLong();
        private final Thread thread;
        private volatile Exception failure;

        BusySampler(String applicationName) {
            thread = new Thread(() -> sample(applicationName), "busy-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample(String applicationName) {
            try (Connection c = database.connect();
                    PreparedStatement s = c.prepareStatement("select count(*) from pg_stat_activity"
                            + " where datname = current_database() and pid <> pg_backend_pid()"
                            + " and application_name = ? and state = 'active'")) {
                s.setString(1, applicationName);
                while (running.get()) {
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        samples.incrementAndGet();
                        if (rs.getInt(1) > 0) {
                            busy.incrementAndGet();
                        }
                    }
                    // The sampling period, not a wait for anything: the assertions wait on the reload's future.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
                }
            } catch (SQLException e) {
                failure = e;
            }
        }

        long samples() {
            return samples.get();
        }

        double busyShare() {
            if (failure != null) {
                throw new AssertionError("sampling failed", failure);
            }
            return samples.get() == 0 ? 0 : (double) busy.get() / samples.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
