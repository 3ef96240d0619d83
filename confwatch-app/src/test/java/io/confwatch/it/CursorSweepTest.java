package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.Mode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep cursor (DESIGN §4.3, docs/invariants.md #12): after the first sweep, each sweep reads only the tenants
 * changed or deleted since the horizon of the last one, and never misses a change — not even one made by a transaction
 * that was open across several sweeps. Writes here send no notification ({@code confwatch.notify = off}), so only a
 * sweep can find them; the full comparison is an hour away, so only the cursor does.
 */
@ExtendWith(PostgresExtension.class)
class CursorSweepTest {
    private static final Logger log = LoggerFactory.getLogger(CursorSweepTest.class);
    private static final Duration SWEEP = Duration.ofMillis(200);
    private static final int TENANTS = 2_000;

    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = new Fixtures(database);
        db.execute("insert into confwatch.tenants (id, name) select gen_random_uuid(), 'bulk-' || g"
                + " from generate_series(1, " + TENANTS + ") g");
        db.execute("analyze confwatch.tenants");
        WorkerConfig config = Fixtures.config(database);
        // Poll mode: the same cursor serves it, and no hint can stand in for a sweep.
        confWatch = Fixtures.startReady(config.withMode(Mode.POLL)
                .withReload(config.reload().withPollInterval(SWEEP).withSweepFullInterval(Duration.ofHours(1))));
        awaitSweeps("cursor", 1);
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void cursorSweep_transactionOpenAcrossSeveralSweepsThenCommitted_changeFound() throws Exception {
        UUID tenant = db.tenant("long-writer");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long before = db.heldCurrent(confWatch, tenant).version();
        double fullBefore = sweeps("full");

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("set local confwatch.notify = off");
            // The bump takes this transaction's id now; sweeps run while it stays open, and their snapshots do not
            // see it. A cursor of "ids above the last sweep's" (its xmax, or the highest version_xid seen) would
            // have moved past this id by the time it commits.
            s.execute("update confwatch.monitors set definition = '" + monitorOn("polygon") + "' where id = '" + monitor
                    + "'");
            // Other writers commit meanwhile, with later ids: what a sweep sees moves past this transaction's id.
            UUID meanwhile = db.tenant("meanwhile");
            awaitSweeps("cursor", 3);
            Fixtures.held(confWatch, meanwhile, 1);
            assertThat(confWatch.snapshot(tenant)).map(TenantSnapshot::version).contains(before);
            c.commit();
        }

        TenantSnapshot held = Fixtures.held(confWatch, tenant, before + 1);
        assertThat(held.monitors().get(0).definition()).contains("polygon");
        assertThat(sweeps("full")).as("full comparisons").isEqualTo(fullBefore);
    }

    @Test
    void cursorSweep_retentionPurgedTheChangeBeforeAnySweepReadIt_foundByAFullComparison() throws Exception {
        UUID tenant = db.tenant("purged-writer");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long before = db.heldCurrent(confWatch, tenant).version();
        double fullBefore = sweeps("full");

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("set local confwatch.notify = off");
            s.execute("update confwatch.monitors set definition = '" + monitorOn("arbitrum") + "' where id = '"
                    + monitor + "'");
            // Retention with an age below zero deletes every row, this transaction's own too, and commits with it:
            // no sweep can ever read this change's row, so the cursor alone would never find the change.
            s.execute("select confwatch.purge_changes('-1 hour')");
            c.commit();
        }

        TenantSnapshot held = Fixtures.held(confWatch, tenant, before + 1);
        assertThat(held.monitors().get(0).definition()).contains("arbitrum");
        assertThat(sweeps("full")).as("full comparisons").isGreaterThan(fullBefore);
    }

    @Test
    void cursorSweep_tenantCreatedThenDeletedQuietly_addedThenDropped() throws Exception {
        UUID tenant = UUID.randomUUID();
        double fullBefore = sweeps("full");
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("set confwatch.notify = off");
            s.execute("insert into confwatch.tenants (id, name) values ('" + tenant + "', 'quiet')");
            Fixtures.held(confWatch, tenant, 1);
            s.execute("delete from confwatch.tenants where id = '" + tenant + "'");
        }
        await().atMost(Fixtures.WAIT).until(() -> confWatch.snapshot(tenant).isEmpty());
        assertThat(sweeps("full")).as("full comparisons").isEqualTo(fullBefore);
    }

    @Test
    void idleCursorSweeps_twoThousandTenants_readAtMostOnePercentOfTheRows() {
        double sweepsBefore = sweeps("cursor");
        double rowsBefore = rows("cursor");
        awaitSweeps("cursor", 10);
        double sweeps = sweeps("cursor") - sweepsBefore;
        double perSweep = (rows("cursor") - rowsBefore) / sweeps;
        log.info("IDLE cursor sweeps: {} rows per sweep over {} sweeps, {} tenants", perSweep, sweeps, TENANTS);
        assertThat(perSweep).isLessThanOrEqualTo(TENANTS / 100.0);
        assertThat(rows("full") / sweeps("full"))
                .as("rows of a full comparison")
                .isGreaterThanOrEqualTo(TENANTS);
    }

    @Test
    void longRunningTransaction_holdsTheHorizonBack_sweepsReadWhatChangedSinceItBeganThenNothing() throws Exception {
        int changed = 50;
        try (Connection unrelated = db.connection();
                Statement s = unrelated.createStatement()) {
            unrelated.setAutoCommit(false);
            // A transaction with an id (any write, or pg_current_xact_id()) holds every snapshot's xmin at its id.
            try (ResultSet rs = s.executeQuery("select pg_current_xact_id()")) {
                rs.next();
            }
            db.execute("update confwatch.tenants set name = name || '+' where id in (select id from confwatch.tenants"
                    + " where name like 'bulk-%' order by id limit " + changed + ")");
            awaitSweeps("cursor", 2);
            double sweepsBefore = sweeps("cursor");
            double rowsBefore = rows("cursor");
            awaitSweeps("cursor", 5);
            double heldBack = (rows("cursor") - rowsBefore) / (sweeps("cursor") - sweepsBefore);
            log.info(
                    "HELD BACK: {} rows per cursor sweep while one transaction stays open after {} tenants changed"
                            + " ({} tenants in all); horizon held back by {} xids",
                    heldBack,
                    changed,
                    TENANTS,
                    gauge(ConfWatchMetrics.SWEEP_HORIZON_XIDS));
            assertThat(heldBack).isGreaterThanOrEqualTo(changed);
            unrelated.commit();
        }
        awaitSweeps("cursor", 2);
        double sweepsBefore = sweeps("cursor");
        double rowsBefore = rows("cursor");
        awaitSweeps("cursor", 5);
        assertThat((rows("cursor") - rowsBefore) / (sweeps("cursor") - sweepsBefore))
                .as("rows per sweep once the transaction ended")
                .isLessThan(changed);
    }

    private static void awaitSweeps(String kind, int more) {
        double target = sweeps(kind) + more;
        await().atMost(Fixtures.WAIT).until(() -> sweeps(kind) >= target);
    }

    private static double sweeps(String kind) {
        return Fixtures.count(confWatch, ConfWatchMetrics.SWEEPS, "kind", kind);
    }

    private static double rows(String kind) {
        return Fixtures.count(confWatch, ConfWatchMetrics.SWEEP_ROWS, "kind", kind);
    }

    private static double gauge(String name) {
        return confWatch.meterRegistry().get(name).gauge().value();
    }
}
