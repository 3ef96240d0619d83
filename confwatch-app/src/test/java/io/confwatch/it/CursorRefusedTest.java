package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.Mode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.testing.LogCapture;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.RoleLogins;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose role may not read what its cursor reads (the tombstones or the purge floor: roles.sql not re-applied
 * after V7 or V9, or a database not migrated to V9) cannot read from its sweep cursor: it says so once, naming what to
 * apply, and every sweep compares every tenant, so nothing is missed.
 */
@ExtendWith(PostgresExtension.class)
class CursorRefusedTest {
    @Test
    void sweep_tombstonesNotReadable_saysSoOnceAndComparesEveryTenant(TestDatabase db) throws Exception {
        RoleLogins logins = RoleLogins.create(db);
        db.execute("revoke select on confwatch.tenant_tombstones from confwatch_worker");
        Fixtures writer = new Fixtures(db);
        DatabaseTarget worker = DatabaseTarget.of(db.host(), db.port(), db.database(), logins.worker())
                .withPassword(logins.password());
        WorkerConfig config = Fixtures.config(db).withDatabase(worker).withMode(Mode.POLL);
        try (LogCapture logs = LogCapture.confWatch();
                ConfWatch confWatch = Fixtures.startReady(
                        config.withReload(config.reload().withPollInterval(Duration.ofMillis(200))))) {
            UUID tenant = writer.tenant("found by a full comparison");
            Fixtures.held(confWatch, tenant, 1);
            writer.deleteTenant(tenant);
            await().atMost(Fixtures.WAIT).until(() -> confWatch.snapshot(tenant).isEmpty());

            assertThat(Fixtures.count(confWatch, ConfWatchMetrics.SWEEPS, "kind", "cursor"))
                    .isZero();
            assertThat(logs.messagesAtLeast(Level.WARN))
                    .filteredOn(line -> line.contains("cannot read what changed since its last horizon"))
                    .singleElement()
                    .asString()
                    .contains("permission denied", "sql/V9__change_log_cursor.sql", "sql/roles.sql");
        } finally {
            logins.drop();
        }
    }
}
