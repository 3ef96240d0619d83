package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.ReloadBudget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The digest-gated full reload across a server start and a restore (DESIGN §4.2b): the server's identity is in every
 * digest, so the first full reload after a server start reads every tenant whole (a physical copy brings back the row
 * versions and the transaction ids of its time: without the identity, a version digest could not tell them apart);
 * and a restored copy whose rows differ from
 * what is held at the same version and change stamp — which no sweep can tell — is caught by the next full reload.
 */
class FullReloadRestoreTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
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
    void serverStartAndRestoreOfACopy_equalVersionsAndStampsOtherRows_areCaughtByTheNextFullReload() throws Exception {
        TestDatabase db = rig.createDatabase("restore_digest");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(4);
        UUID canary = rows.tenants(1).get(0);
        UUID victim = tenants.get(0);
        WorkerConfig config = rig.config(db);
        config = config.withReload(config.reload().withFullReloadBudget(ReloadBudget.UNPACED));
        Path backup = Files.createTempDirectory("confwatch-digest-backup");
        try (ConfWatch confWatch = Faults.startReady(config)) {
            assertThat(run(confWatch).skipped())
                    .as("first full reload after the worker's start: its start-up verified every tenant")
                    .isEqualTo(5);

            rig.copyDataTo(backup);
            writeAndAwait(rows, confWatch, canary, 1);
            FullReloadStatus.Finished afterStart = run(confWatch);

            assertThat(afterStart.skipped())
                    .as("tenants skipped by the first full reload after a server start (same rows, new identity)")
                    .isZero();
            assertThat(afterStart.read()).isEqualTo(5);
            assertThat(run(confWatch).skipped()).isEqualTo(5);

            // After the copy: a write with the triggers off, so the version and change stamp stay as they were.
            TenantSnapshot before = confWatch.snapshot(victim).orElseThrow();
            db.execute("begin; alter table confwatch.monitors disable trigger user;"
                    + " update confwatch.monitors set definition = jsonb_set(definition, '{networks}', '[\"after-copy\"]')"
                    + " where tenant_id = '" + victim
                    + "'; alter table confwatch.monitors enable trigger user; commit");
            assertThat(run(confWatch).read())
                    .as("tenants read after one trigger-less write")
                    .isEqualTo(1);
            assertThat(networks(confWatch, victim)).contains("after-copy");

            // Back to the copy: the victim's rows as they were, at the version and change stamp the worker holds.
            rig.restoreDataFrom(backup);
            writeAndAwait(rows, confWatch, canary, 2);
            assertThat(versionAndStamp(db, victim))
                    .as("the restored victim's version and change stamp: what the worker holds")
                    .isEqualTo(before.version() + "/" + before.changedAt().toEpochMilli());
            FullReloadStatus.Finished afterRestore = run(confWatch);

            assertThat(afterRestore.read()).as("tenants read after the restore").isGreaterThanOrEqualTo(4);
            assertThat(networks(confWatch, victim)).doesNotContain("after-copy").contains("ethereum_mainnet");
            assertThat(confWatch.snapshot(victim).orElseThrow().version()).isEqualTo(before.version());
        }
    }

    /** Runs a full reload until one succeeds (the pool may still hold connections to the server that stopped). */
    private static FullReloadStatus.Finished run(ConfWatch confWatch) {
        FullReloadStatus.Finished[] done = new FullReloadStatus.Finished[1];
        await().atMost(SETTLE).ignoreExceptions().until(() -> {
            done[0] = confWatch.fullReload().get(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        });
        return done[0];
    }

    /**
     * Writes {@code times} changes to {@code canary} once the server answers and waits until the worker holds the last
     * (by its hint: no forced read): the database and the worker's pool and listener are back.
     */
    private static void writeAndAwait(ConfigRows rows, ConfWatch confWatch, UUID canary, int times) {
        long held = confWatch.snapshot(canary).orElseThrow().version();
        await().atMost(SETTLE).ignoreExceptions().untilAsserted(() -> rows.redefine(canary, "canary-0"));
        for (int i = 1; i < times + 1; i++) {
            rows.redefine(canary, "canary-" + i);
        }
        await().atMost(SETTLE)
                .until(() ->
                        confWatch.snapshot(canary).map(s -> s.version() > held).orElse(false));
    }

    private static String networks(ConfWatch confWatch, UUID tenant) {
        return confWatch.snapshot(tenant).orElseThrow().monitors().get(0).definition();
    }

    private static String versionAndStamp(TestDatabase db, UUID tenant) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "select config_version,"
                                + " floor(extract(epoch from changed_at) * 1000)::bigint from confwatch.tenants where id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) + "/" + rs.getLong(2);
            }
        }
    }
}
