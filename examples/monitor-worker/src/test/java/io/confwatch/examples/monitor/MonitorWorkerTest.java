package io.confwatch.examples.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.InvalidEntity;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example end to end on a real PostgreSQL (confwatch-testing's extension): monitors written by SQL are evaluated
 * against the synthetic blocks, a changed monitor applies from the next blocks on, and a rule the worker rejects leaves
 * the last good one in force.
 */
@ExtendWith(PostgresExtension.class)
class MonitorWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void monitorChangedBySql_appliesToTheNextBlocks_andARejectedRuleKeepsTheLastGoodOne(TestDatabase db)
            throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID monitor = UUID.randomUUID();
        db.execute("insert into confwatch.tenants(id, name) values ('" + tenant + "', 'acme')");
        db.execute("insert into confwatch.monitors(id, tenant_id, name, definition) values ('" + monitor + "', '"
                + tenant + "', 'large-transfers', '"
                + "{\"networks\":[\"ethereum_mainnet\"],\"match\":{\"event\":\"Transfer\",\"minValue\":5000}}')");
        WorkerConfig config = WorkerConfig.defaults().withDatabase(db.databaseTarget());
        Vertx vertx = Vertx.vertx();
        MeterRegistry registry = new SimpleMeterRegistry();
        Queue<Alert> alerts = new ConcurrentLinkedQueue<>();
        try {
            ConfWatch confWatch = MonitorWorker.deploy(
                            vertx, config, registry, "ethereum_mainnet", /* blockIntervalMillis= */ 20, alerts::add)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(confWatch.isReady());
            assertNotNull(registry.find("confwatch.tenants").gauge(), "ConfWatch's meters are in the app's registry");

            awaitTrue("alerts under the first rule", () -> !alerts.isEmpty());
            assertTrue(alerts.stream().allMatch(a -> a.rule().match().minValue() == 5000
                    && a.transfer().value() >= 5000));

            db.execute("update confwatch.monitors set definition = jsonb_set(definition, '{match,minValue}', '9000')"
                    + " where id = '" + monitor + "'");
            awaitTrue(
                    "an alert under the changed rule (minValue 9000)",
                    () -> alerts.stream().anyMatch(a -> a.rule().match().minValue() == 9000));
            long switchedAt = alerts.stream()
                    .filter(a -> a.rule().match().minValue() == 9000)
                    .mapToLong(a -> a.block().height())
                    .min()
                    .orElseThrow();
            awaitTrue("blocks after the switch", () -> lastHeight(alerts) > switchedAt + 5);
            List<Alert> after = alerts.stream()
                    .filter(a -> a.block().height() > switchedAt)
                    .toList();
            assertTrue(after.stream().allMatch(a -> a.rule().match().minValue() == 9000 && a.transfer().value() >= 9000),
                    "every block after the switch uses the new rule");

            db.execute("update confwatch.monitors set definition = jsonb_set(definition, '{match,minValue}', '-1')"
                    + " where id = '" + monitor + "'");
            awaitTrue("the rejected rule listed as invalid", () -> confWatch
                    .snapshot(tenant)
                    .map(s -> s.invalid().stream().map(InvalidEntity::id).toList().contains(monitor))
                    .orElse(false));
            long rejectedAt = lastHeight(alerts);
            awaitTrue("blocks after the rejected change", () -> lastHeight(alerts) > rejectedAt + 5);
            assertFalse(alerts.stream()
                            .filter(a -> a.block().height() > rejectedAt)
                            .anyMatch(a -> a.rule().match().minValue() != 9000),
                    "the last good rule stays in force");
            assertEquals(
                    9000,
                    confWatch
                            .snapshot(tenant)
                            .orElseThrow()
                            .typedMonitors(MonitorRule.class)
                            .get(0)
                            .match()
                            .minValue());

            confWatch.closeAsync().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(registry.find("confwatch.tenants").gauges().isEmpty(), "ConfWatch's meters are gone");
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static long lastHeight(Queue<Alert> alerts) {
        return alerts.stream().mapToLong(a -> a.block().height()).max().orElse(0);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
