package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.Backoff;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A start-up page's snapshots are assembled (every definition validated) on a worker thread, not on the coordinator's
 * event loop, and installed on the context; a tenant installed meanwhile is assembled again against what is held, so
 * an entity whose new definition is invalid keeps its previous valid version, as on any read.
 */
class StartupAssemblyTest {
    private static final UUID TENANT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID MONITOR = UUID.fromString("00000000-0000-4000-8000-000000000002");
    private static final String VALID = "{\"networks\":[\"ethereum_mainnet\"]}";
    private static final String INVALID = "{\"networks\":[]}";

    // One worker thread, so a test can hold it and see that the assembly waits for a worker.
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    private final Context context = vertx.getOrCreateContext();
    private final ConfigCache cache = new ConfigCache();
    private final TenantReads reads = new TenantReads(
            vertx,
            new SnapshotLoader(null, Duration.ofSeconds(1)),
            cache,
            new ConfWatchMetrics(new SimpleMeterRegistry()),
            new ReloadPolicy(
                    1, 100, 10, Duration.ofHours(1), new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)), 10),
            tenant -> true,
            new TenantHealth(cache),
            () -> false,
            (tenant, request) -> {});

    @AfterEach
    void close() throws Exception {
        cache.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void installOwned_nothingHeld_assemblesOnAWorkerThenInstalls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        holdTheWorker(release);

        Future<Integer> installed = onContext(() -> reads.installOwned(page(2, INVALID), ReloadCause.STARTUP, 0));

        // The event loop returned while the only worker thread is busy: the assembly waits for a worker.
        assertThat(installed.isComplete()).isFalse();
        release.countDown();
        assertThat(installed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(1);
        TenantSnapshot held = cache.get(TENANT).orElseThrow();
        assertThat(held.version()).isEqualTo(2);
        assertThat(held.monitors()).isEmpty();
        assertThat(held.invalid()).singleElement().satisfies(e -> assertThat(e.id())
                .isEqualTo(MONITOR));
    }

    @Test
    void installOwned_tenantInstalledWhileAssembling_keepsItsValidEntity() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        holdTheWorker(release);

        Future<Integer> installed = onContext(() -> reads.installOwned(page(2, INVALID), ReloadCause.STARTUP, 0));
        // A hint's read installs version 1, whose monitor is valid, while the page waits for its worker.
        onContext(() -> Future.succeededFuture(cache.install(
                SnapshotAssembler.whole(page(1, VALID).get(TENANT), Optional.empty(), Instant.now()), false)));
        release.countDown();

        assertThat(installed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(1);
        TenantSnapshot held = cache.get(TENANT).orElseThrow();
        assertThat(held.version()).isEqualTo(2);
        assertThat(held.monitors()).singleElement().satisfies(m -> assertThat(m.definition())
                .isEqualTo(VALID));
        assertThat(held.invalid()).singleElement().satisfies(e -> assertThat(e.id())
                .isEqualTo(MONITOR));
    }

    private void holdTheWorker(CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        vertx.executeBlocking(
                () -> {
                    held.countDown();
                    return release.await(30, TimeUnit.SECONDS);
                },
                /* ordered= */ false);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs {@code action} on one event-loop context (the coordinator's, in the worker) and returns what it returned. */
    private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) throws Exception {
        CompletableFuture<Future<T>> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static Map<UUID, TenantRows.Whole> page(long version, String definition) {
        Instant at = Instant.parse("2026-12-07T00:00:00Z").plusSeconds(version);
        TenantRows.Tenant tenant = new TenantRows.Tenant(TENANT, "t", "active", version, at, "server");
        TenantRows.Entity monitor =
                new TenantRows.Entity(EntityKind.MONITOR, MONITOR, TENANT, "m", definition, at, "writer", null);
        return Map.of(TENANT, new TenantRows.Whole(tenant, List.of(monitor)));
    }
}
