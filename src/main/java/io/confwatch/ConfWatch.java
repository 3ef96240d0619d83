package io.confwatch;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.BuildInfo;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.ShardOwnership;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.EmbeddedPostgres;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.db.PgClients;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCause;
import io.confwatch.reload.TenantIds;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConfWatch as a library (DESIGN §5a): {@link #start} a worker, then read immutable per-tenant snapshots that follow
 * the database within milliseconds. Thread-safe; reads never block. The HTTP API is one user of this class.
 */
public final class ConfWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfWatch.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final WorkerConfig config;
    private final EmbeddedPostgres embedded;
    private final PrometheusMeterRegistry registry;
    /** Listens on the JVM's GC MXBeans, which outlive this worker: until closed, they hold the registry. */
    private final JvmGcMetrics gcMetrics;

    private final Vertx vertx;
    private final ConfigCache cache;
    private final PgClients clients;
    private final Worker worker;
    private final Predicate<UUID> owns;
    private String deploymentId;
    private volatile boolean closed;

    private ConfWatch(WorkerConfig config, EmbeddedPostgres embedded, Predicate<UUID> owns) {
        this.config = config;
        this.embedded = embedded;
        this.owns = owns;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.vertx = Vertx.builder()
                .with(new VertxOptions()
                        .setMetricsOptions(new MicrometerMetricsOptions()
                                .setEnabled(true)
                                // Vert.x keys backends by this name JVM-wide; each instance needs its own.
                                .setRegistryName("confwatch-" + INSTANCES.incrementAndGet())
                                .setNettyMetricsEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        this.cache = new ConfigCache();
        cache.bindMetrics(registry, "tenants");
        DatabaseTarget target = config.database().orElseThrow();
        this.clients = new PgClients(vertx, target, config.pool(), "confwatch-" + config.workerId());
        this.worker = new Worker(config, clients, cache, new ConfWatchMetrics(registry), owns);
    }

    /**
     * Starts a worker and returns at once; {@link #awaitReady} waits for the initial load. With no database in
     * {@code config} it starts an embedded PostgreSQL first and applies the migrations (the zero-setup mode).
     */
    public static ConfWatch start(WorkerConfig config) {
        EmbeddedPostgres embedded = null;
        WorkerConfig effective = config;
        if (config.isEmbedded()) {
            embedded = EmbeddedPostgres.start(/* durable= */ true);
            embedded.createDatabase("confwatch");
            DatabaseTarget target = DatabaseTarget.of("127.0.0.1", embedded.port(), "confwatch", embedded.user());
            Migrations.apply(JdbcTarget.of(target));
            log.info(
                    "No database configured: using an embedded PostgreSQL. Look inside with: {}",
                    embedded.psqlCommand("confwatch"));
            effective = config.withDatabase(target);
        }
        ConfWatch confWatch = new ConfWatch(effective, embedded, ShardOwnership.of(effective.shard()));
        confWatch.deploymentId =
                confWatch.vertx.deployVerticle(confWatch.worker).await();
        return confWatch;
    }

    /** The current snapshot of {@code tenant}, or empty when this worker holds none. */
    public Optional<TenantSnapshot> snapshot(UUID tenant) {
        return cache.get(tenant);
    }

    /** Every snapshot held, ordered by tenant id as PostgreSQL orders them (the order of the id strings). */
    public List<TenantSnapshot> tenants() {
        List<TenantSnapshot> all = new ArrayList<>(cache.all());
        all.sort(Comparator.comparing(TenantSnapshot::tenant, TenantIds.ORDER));
        return all;
    }

    /** Calls {@code listener} after each snapshot is installed, replaced or removed, on a dedicated thread, in order. */
    public void addListener(Consumer<TenantChange> listener) {
        cache.addListener(listener);
    }

    /**
     * Completes with the tenant's snapshot once its version is at least {@code minVersion}, or after {@code timeout}
     * with whatever is held then (compare its version, or find it empty). Never completes exceptionally unless the
     * caller cancels it; cancelling stops the wait at once (e.g. an HTTP client that went away).
     */
    public CompletableFuture<Optional<TenantSnapshot>> awaitVersion(UUID tenant, long minVersion, Duration timeout) {
        CompletableFuture<TenantSnapshot> waiter =
                cache.whenVersion(tenant, minVersion).completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Optional<TenantSnapshot>> result =
                waiter.thenApply(snapshot -> snapshot != null ? Optional.of(snapshot) : cache.get(tenant));
        // A dependent stage does not cancel its source: pass it on, so the cache drops the waiter now.
        result.whenComplete((snapshot, error) -> {
            if (result.isCancelled()) {
                waiter.cancel(false);
            }
        });
        return result;
    }

    /**
     * Reads {@code tenant} now, even if its version did not change; completes with what is held afterwards (empty: the
     * tenant does not exist), or fails with a {@code ReadFailedException} when the read failed (the last good snapshot
     * is still served, and the read is retried).
     */
    public CompletableFuture<Optional<TenantSnapshot>> reload(UUID tenant) {
        return worker.coordinator()
                .request(tenant, ReloadCause.MANUAL, true)
                .map(v -> cache.get(tenant))
                .toCompletionStage()
                .toCompletableFuture();
    }

    /** Queues a forced read of every owned tenant; completes with how many were queued. */
    public CompletableFuture<Integer> reloadAll() {
        return worker.sweeper()
                .reloadAll(ReloadCause.MANUAL)
                .toCompletionStage()
                .toCompletableFuture();
    }

    /** Whether the initial load has finished and the worker is not shutting down. */
    public boolean isReady() {
        return worker.isReady() && !closed;
    }

    /** Waits up to {@code timeout} for the initial load; returns whether it finished. */
    public boolean awaitReady(Duration timeout) {
        try {
            worker.ready().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /** Whether a tenant belongs to this worker's shard. */
    public boolean owns(UUID tenant) {
        return owns.test(tenant);
    }

    /** The index of the shard that owns {@code tenant} among this worker's shard count (DESIGN §4.4a). */
    public int ownerShard(UUID tenant) {
        return ShardOwnership.owner(tenant, config.shard().count());
    }

    /** The settings in force (with the embedded database filled in, in embedded mode). */
    public WorkerConfig config() {
        return config;
    }

    /** Whether the database is the embedded one this worker started. */
    public boolean isEmbeddedDatabase() {
        return embedded != null;
    }

    /** The embedded database, when this worker started one. */
    public Optional<EmbeddedPostgres> embeddedDatabase() {
        return Optional.ofNullable(embedded);
    }

    /** The registry holding every metric; {@code scrape()} renders the Prometheus text format. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The Vert.x instance the worker runs on; the HTTP server deploys onto it. */
    public Vertx vertx() {
        return vertx;
    }

    /** The worker's state for {@code /status}. */
    public WorkerStatus status() {
        List<InvalidEntity> invalid = new ArrayList<>();
        cache.all().forEach(snapshot -> invalid.addAll(snapshot.invalid()));
        return new WorkerStatus(
                config.workerId(),
                BuildInfo.version(),
                config.mode().text(),
                config.shard().toString(),
                isReady(),
                isEmbeddedDatabase(),
                worker.listenerStatus(),
                cache.size(),
                worker.coordinator().staleTenants(),
                worker.sweeper().lastSweepAt(),
                worker.sweeper().lastFullReloadAt(),
                worker.coordinator().failures(),
                invalid);
    }

    /**
     * Shuts down gracefully (DESIGN §4.5): not ready, stop listening, finish in-flight loads within the shutdown
     * timeout, close the pool and Vert.x, remove every meter from {@link #meterRegistry}, stop the embedded database.
     * Idempotent; blocks the calling thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration bound = config.shutdownTimeout().multipliedBy(2);
        try {
            // Undeploy first so the worker stops in its own order (§4.5) before Vert.x closes everything else.
            awaitShutdownStep("Stopping the worker", vertx.undeploy(deploymentId), bound);
            // Even when the worker overran its bound, Vert.x must close: its threads, timers and sockets go with it.
            awaitShutdownStep("Closing Vert.x", vertx.close(), bound);
        } finally {
            clients.close();
            cache.close();
            gcMetrics.close();
            // The meters' functions hold the worker and the cache. Vert.x's metrics hold the registry, and a closed
            // Vert.x can outlive us: vertx-pg-client keeps the last connection it closed, JVM-wide, in a static
            // (CloseConnectionCommandCodec.INSTANCE), and with it that connection's event loop and Vert.x.
            registry.clear();
            registry.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void awaitShutdownStep(String step, io.vertx.core.Future<Void> done, Duration bound) {
        try {
            done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("{} did not finish within {} ms; going on", step, bound.toMillis());
        } catch (RuntimeException e) {
            log.warn("{} failed; going on: {}", step, e.toString());
        }
    }

    /** How many tenants are held. */
    public int size() {
        return cache.size();
    }
}
