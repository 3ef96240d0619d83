package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.Mode;
import io.confwatch.config.SslMode;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.testing.LogCapture;
import io.confwatch.testing.PgBouncer;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behind a real PgBouncer in transaction mode (DESIGN §4.3a): poll mode picks up every write without an error, and
 * listen mode — which cannot work there — says in one line what is wrong and what to do. PgBouncer gets one server
 * connection, so every client connection of the workers shares it, as on a busy pooler.
 */
@ExtendWith(PostgresExtension.class)
class TransactionPoolerTest {
    private static final Duration DIAGNOSIS = Duration.ofSeconds(30);

    private static PgBouncer bouncer;

    @BeforeAll
    static void startPgBouncer(TestDatabase db) {
        bouncer = PgBouncer.startTransactionMode(db, /* serverPoolSize= */ 1);
    }

    @AfterAll
    static void stopPgBouncer() {
        if (bouncer != null) {
            bouncer.close();
        }
    }

    /** Before: named prepared statements met other clients' on the shared server connection ("already exists"). */
    @Test
    void pollMode_twoWorkersBehindTransactionPooler_pickUpEveryWriteWithoutErrors(TestDatabase db) {
        Fixtures rows = new Fixtures(db);
        List<UUID> tenants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID tenant = rows.tenant("pooled-" + i + "-" + UUID.randomUUID());
            rows.monitor(tenant, "m", Fixtures.monitorOn("ethereum_mainnet"));
            tenants.add(tenant);
        }
        WorkerConfig config = throughPgBouncer(db).withMode(Mode.POLL);
        try (LogCapture logs = LogCapture.confWatch();
                ConfWatch first = Fixtures.startReady(config.withWorkerId("pooled-a"));
                ConfWatch second = Fixtures.startReady(config.withWorkerId("pooled-b"))) {
            for (int write = 0; write < 12; write++) {
                UUID tenant = tenants.get(write % tenants.size());
                rows.renameTenant(tenant, "renamed-" + write);
                long version = rows.version(tenant);
                Fixtures.held(first, tenant, version);
                Fixtures.held(second, tenant, version);
            }
            for (UUID tenant : tenants) {
                assertThat(first.snapshot(tenant).orElseThrow().version()).isEqualTo(rows.version(tenant));
                assertThat(second.snapshot(tenant).orElseThrow().version()).isEqualTo(rows.version(tenant));
            }
            assertThat(logs.messagesAtLeast(Level.WARN))
                    .as("warnings and errors logged; pgbouncer log:%n%s", bouncer.log())
                    .isEmpty();
            for (ConfWatch worker : List.of(first, second)) {
                assertThat(Fixtures.count(worker, ConfWatchMetrics.RELOADS, "outcome", "failed"))
                        .isZero();
                assertThat(worker.status().failingTenants()).isEmpty();
            }
        }
    }

    /** Before: the listener flapped (probes lost, reconnects, failing catch-ups) and never named the pooler. */
    @Test
    void listenMode_behindTransactionPooler_saysInOneLineThatAPoolerIsInTheWayAndWhatToDo(TestDatabase db) {
        WorkerConfig config = throughPgBouncer(db).withWorkerId("pooled-listen");
        try (LogCapture logs = LogCapture.confWatch();
                ConfWatch confWatch = ConfWatch.start(config)) {
            // Both signatures: the loader's prepared statements meeting another client's, and — the listener's own
            // diagnosis — a self-probe never heard back on a connection that answers queries.
            await().atMost(DIAGNOSIS).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                            logs.messagesAtLeast(Level.WARN))
                    .filteredOn(TransactionPoolerTest::diagnoses)
                    .anyMatch(line -> line.contains("prepared statement"))
                    .anyMatch(line ->
                            line.contains("self-probe") && line.contains("though the connection answers queries"))
                    .allMatch(line -> !line.contains("\n")));
        }
    }

    private static boolean diagnoses(String line) {
        return line.contains("transaction-mode pooler") && line.contains("CONFWATCH_MODE=poll");
    }

    private static WorkerConfig throughPgBouncer(TestDatabase db) {
        WorkerConfig base = Fixtures.config(db);
        return base.withDatabase(DatabaseTarget.of("127.0.0.1", bouncer.port(), db.database(), db.user())
                .withSslMode(SslMode.DISABLE));
    }
}
