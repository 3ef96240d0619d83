package io.confwatch;

import static java.util.Objects.requireNonNull;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.BuildInfo;
import io.confwatch.config.ConfigException;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.TenantOwnership;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.DatabaseUnavailableException;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.db.PgClients;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.Definitions;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCause;
import io.confwatch.reload.TenantIds;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConfWatch as a library (DESIGN §5a): {@link #deploy} it into a Vert.x application (or {@link #start} it stand-alone),
 * then read immutable per-tenant snapshots that follow the database within milliseconds. Thread-safe; reads never
 * block. Listeners and the futures this class returns never run or complete on an event-loop thread. The HTTP API is
 * one user of this class.
 */
public final class ConfWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfWatch.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /**
     * Where returned futures complete: never an event loop, so a caller's slow {@code thenAccept} cannot stall the
     * listener or the coordinator. Daemon threads that end when idle.
     */
    private static final ExecutorService CALLBACKS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "confwatch-callbacks");
        thread.setDaemon(true);
        return thread;
    });
    /** The cache tag of the Caffeine statistics meters. */
    private static final String CACHE_NAME = "tenants";

    private final WorkerConfig config;
    private final EmbeddedDatabase embedded;
    private final MeterRegistry registry;
    /** Listens on the JVM's GC MXBeans, which outlive this worker: until closed, they hold the registry. Null when deployed. */
    private final JvmGcMetrics gcMetrics;

    private final Vertx vertx;
    /** Whether this instance made {@link #vertx} (stand-alone) rather than being deployed into the caller's. */
    private final boolean ownsVertx;

    private final ConfigCache cache;
    private final PgClients clients;
    private final Worker worker;
    private final TenantOwnership owns;
    private volatile String deploymentId;
    private volatile boolean closed;

    private ConfWatch(
            WorkerConfig config,
            EmbeddedDatabase embedded,
            Vertx vertx,
            boolean ownsVertx,
            MeterRegistry registry,
            JvmGcMetrics gcMetrics,
            Definitions definitions) {
        this.config = config;
        this.embedded = embedded;
        this.owns = TenantOwnership.of(config.shard());
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.registry = registry;
        this.gcMetrics = gcMetrics;
        this.cache = new ConfigCache(definitions);
        DatabaseTarget target = config.database().orElseThrow();
        this.clients = new PgClients(vertx, target, config.pool(), "confwatch-" + config.workerId(), config.mode());
        cache.bindMetrics(registry, CACHE_NAME);
        this.worker = new Worker(config, clients, cache, new ConfWatchMetrics(registry), owns);
    }

    /**
     * Starts a worker on a Vert.x and a Prometheus registry of its own and returns at once; {@link #awaitReady} waits
     * for the initial load. With no database in {@code config} it starts an embedded PostgreSQL first (when
     * {@code io.confwatch:confwatch-embedded} is on the class path) and applies the migrations (the zero-setup mode).
     * Blocks the calling thread: in a Vert.x application use {@link #deploy}.
     */
    public static ConfWatch start(WorkerConfig config) {
        return start(config, Definitions.none());
    }

    /** Like {@link #start(WorkerConfig)}, decoding definitions into the application's types (see {@link Definitions}). */
    public static ConfWatch start(WorkerConfig config, Definitions definitions) {
        requireNonNull(definitions, "definitions");
        EmbeddedDatabase embedded = null;
        WorkerConfig effective = config;
        if (config.isEmbedded()) {
            embedded = EmbeddedDatabase.launch("confwatch");
            Migrations.apply(JdbcTarget.of(embedded.target()));
            log.info(
                    "No database configured: using an embedded PostgreSQL. Look inside with: {}",
                    embedded.psqlCommand());
            effective = config.withDatabase(embedded.target());
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions()
                        .setMetricsOptions(new MicrometerMetricsOptions()
                                .setEnabled(true)
                                // Vert.x keys backends by this name JVM-wide; each instance needs its own.
                                .setRegistryName("confwatch-" + INSTANCES.incrementAndGet())
                                .setNettyMetricsEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        ConfWatch confWatch = new ConfWatch(effective, embedded, vertx, true, registry, gcMetrics, definitions);
        confWatch.deploymentId = vertx.deployVerticle(confWatch.worker).await();
        return confWatch;
    }

    /**
     * Deploys a worker into the application's {@code vertx}, its meters into the application's {@code registry}, and
     * completes once the initial load is done (DESIGN §5a). Does not block: call it from anywhere, a verticle included.
     * The future completes on a ConfWatch thread, never an event loop. It fails, with nothing left deployed or
     * registered, on a configuration this mode cannot run (no database: deploy starts no embedded PostgreSQL) with the
     * {@link ConfigException} the command line prints, and on a database it cannot reach or read with a one-line
     * message naming host, port and database. {@link #closeAsync} undeploys only what this deployed.
     */
    public static Future<ConfWatch> deploy(Vertx vertx, WorkerConfig config, MeterRegistry registry) {
        return deploy(vertx, config, registry, Definitions.none());
    }

    /**
     * Like {@link #deploy(Vertx, WorkerConfig, MeterRegistry)}, decoding each changed definition into the
     * application's types (see {@link Definitions}); {@link TenantSnapshot#typed} serves the values.
     */
    public static Future<ConfWatch> deploy(
            Vertx vertx, WorkerConfig config, MeterRegistry registry, Definitions definitions) {
        requireNonNull(vertx, "vertx");
        requireNonNull(definitions, "definitions");
        requireNonNull(config, "config");
        requireNonNull(registry, "registry");
        ConfWatch confWatch;
        try {
            if (config.isEmbedded()) {
                throw new ConfigException(
                        "CONFWATCH_DATABASE_URL",
                        "",
                        "no database configured: set it or PGHOST (and PGPORT, PGDATABASE, PGUSER);"
                                + " ConfWatch.deploy starts no embedded PostgreSQL");
            }
            confWatch = new ConfWatch(config, null, vertx, false, registry, null, definitions);
        } catch (RuntimeException e) {
            return offEventLoop(Future.failedFuture(e));
        }
        Future<ConfWatch> deployed = confWatch
                .checkDatabase()
                .compose(v -> vertx.deployVerticle(confWatch.worker))
                .compose(id -> {
                    confWatch.deploymentId = id;
                    return confWatch.worker.ready();
                })
                .map(v -> confWatch)
                .recover(error -> confWatch.release().transform(v -> Future.failedFuture(error)));
        return offEventLoop(deployed);
    }

    /**
     * One connection and one read of the schema before anything is deployed: an unreachable database or a missing
     * schema fails {@link #deploy} at once with one line, instead of an initial load that retries forever.
     */
    private Future<Void> checkDatabase() {
        String where = config.database().orElseThrow().describe();
        return clients.connectListener()
                .recover(error -> Future.failedFuture(new DatabaseUnavailableException(where, error)))
                .compose(connection -> connection
                        .query("select 1 from " + Migrations.SCHEMA + ".tenants limit 1")
                        .execute()
                        .eventually(connection::close)
                        .<Void>mapEmpty()
                        .recover(error -> Future.failedFuture(new IllegalStateException(
                                "cannot read the ConfWatch schema at " + where + " (are the migrations applied?): "
                                        + firstLine(error.getMessage()),
                                error))));
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
                // Async: installs wake waiters on the event loop, and the caller's next stage must not run there.
                waiter.thenApplyAsync(
                        snapshot -> snapshot != null ? Optional.of(snapshot) : cache.get(tenant), CALLBACKS);
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
                .map(ReadOutcome::heldOrThrow)
                .toCompletionStage()
                .toCompletableFuture()
                .thenApplyAsync(Function.identity(), CALLBACKS);
    }

    /**
     * Reads {@code tenant} now, even if its version did not change; completes (off the event loop, never
     * exceptionally) with what the read ended in: {@link ReadOutcome.Installed} or {@link ReadOutcome.Unchanged} with
     * the snapshot held now, {@link ReadOutcome.Gone} when the tenant does not exist (or is another shard's), or
     * {@link ReadOutcome.Failed} with its cause (the last good snapshot is still served and the read is retried).
     */
    public CompletableFuture<ReadOutcome> reloadOutcome(UUID tenant) {
        return worker.coordinator()
                .request(tenant, ReloadCause.MANUAL, true)
                .toCompletionStage()
                .toCompletableFuture()
                .thenApplyAsync(Function.identity(), CALLBACKS);
    }

    /**
     * Starts a full reload of every owned tenant (see {@link #fullReload()}); completes with how many owned tenants it
     * covers, while its reads go on in the background.
     */
    public CompletableFuture<Integer> reloadAll() {
        return worker.sweeper()
                .reloadAll(ReloadCause.MANUAL)
                .toCompletionStage()
                .toCompletableFuture()
                .thenApplyAsync(Function.identity(), CALLBACKS);
    }

    /**
     * Runs a full reload now (or right after the one running) and completes, off the event loop, when it is done, with
     * its figures: how many tenants it read whole and how many their digest showed unchanged. Paced like every full
     * reload ({@code CONFWATCH_FULL_RELOAD_BUDGET}); completes exceptionally (a {@code ReadFailedException}) when any of
     * its reads failed.
     */
    public CompletableFuture<FullReloadStatus.Finished> fullReload() {
        return worker.sweeper()
                .fullReload(ReloadCause.MANUAL)
                .toCompletionStage()
                .toCompletableFuture()
                .thenApplyAsync(Function.identity(), CALLBACKS);
    }

    /** Whether the initial load has finished and the worker is not shutting down. */
    public boolean isReady() {
        return worker.isReady() && !closed;
    }

    /**
     * Waits up to {@code timeout} for the initial load; returns whether it finished. Throws the
     * {@link ConfigException} with which the worker refused to start: its {@code CONFWATCH_CHANNEL} is not the channel
     * the database's triggers notify ({@code confwatch.notify_channel()}).
     */
    public boolean awaitReady(Duration timeout) {
        try {
            worker.ready().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Completes once the initial load is done, or exceptionally with the {@link ConfigException} with which the worker
     * refused to start (see {@link #awaitReady}); dependents never run on an event-loop thread.
     */
    public CompletableFuture<Void> whenReady() {
        return worker.ready().toCompletionStage().toCompletableFuture().whenCompleteAsync((v, error) -> {}, CALLBACKS);
    }

    /** Whether a tenant belongs to this worker's shard. */
    public boolean owns(UUID tenant) {
        return owns.test(tenant);
    }

    /** The index of the shard that owns {@code tenant} among this worker's shard count (DESIGN §4.4a). */
    public int ownerShard(UUID tenant) {
        return owns.ownerOf(tenant);
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
    public Optional<EmbeddedDatabase> embeddedDatabase() {
        return Optional.ofNullable(embedded);
    }

    /**
     * The Prometheus registry holding every metric; {@code scrape()} renders the Prometheus text format. Stand-alone it
     * is this worker's own; deployed it is the application's, which must then be a Prometheus one.
     *
     * @throws IllegalStateException when deployed with a registry of another kind (see {@link #registry})
     */
    public PrometheusMeterRegistry meterRegistry() {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return prometheus;
        }
        throw new IllegalStateException(
                "ConfWatch was deployed with a " + registry.getClass().getSimpleName()
                        + ", not a PrometheusMeterRegistry: its meters are in the application's registry");
    }

    /** The registry this worker's meters are in: its own (stand-alone) or the application's (deployed). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Vert.x instance the worker runs on: its own (stand-alone) or the application's (deployed). */
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
                clients.tlsStatus(),
                worker.listenerStatus(),
                cache.size(),
                worker.coordinator().staleTenants(),
                worker.sweeper().lastSweepAt(),
                worker.sweeper().lastFullReloadAt(),
                worker.sweeper().fullReloadStatus(),
                worker.coordinator().failures().stream()
                        .map(f -> new WorkerStatus.FailingTenant(f.tenant(), f.attempts(), f.error(), f.since()))
                        .toList(),
                invalid);
    }

    /**
     * Shuts down gracefully (DESIGN §4.5): not ready, stop listening, finish in-flight loads within the shutdown
     * timeout, close the pool, remove this worker's meters, stop the embedded database. Stand-alone it also closes its
     * Vert.x and its registry; deployed it is {@link #closeAsync} waited for. Idempotent; blocks the calling thread, so
     * never call it on an event loop.
     */
    @Override
    public void close() {
        if (!ownsVertx) {
            awaitShutdownStep(
                    "Undeploying ConfWatch",
                    closeAsync(),
                    config.shutdownTimeout().multipliedBy(3));
            return;
        }
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

    /**
     * Shuts down like {@link #close} without blocking. Deployed, it undeploys only what {@link #deploy} deployed and
     * removes only this worker's meters: the application's Vert.x and registry go on. Completes on a ConfWatch thread,
     * never an event loop; idempotent.
     */
    public Future<Void> closeAsync() {
        if (ownsVertx) {
            Promise<Void> closedPromise = Promise.promise();
            CALLBACKS.execute(() -> {
                close();
                closedPromise.complete();
            });
            return closedPromise.future();
        }
        if (closed) {
            return offEventLoop(Future.succeededFuture());
        }
        closed = true;
        return offEventLoop(release());
    }

    /** Undeploys what was deployed (if anything) and lets go of the connections, the cache and the meters. */
    private Future<Void> release() {
        closed = true;
        String deployed = deploymentId;
        Future<Void> undeployed = deployed == null
                ? Future.succeededFuture()
                : vertx.undeploy(deployed).recover(error -> {
                    log.warn("Undeploying ConfWatch failed; going on: {}", error.toString());
                    return Future.succeededFuture();
                });
        return undeployed.andThen(done -> {
            clients.close();
            cache.close();
            removeMeters(registry);
        });
    }

    /**
     * Removes this worker's meters from {@code registry}: every {@code confwatch.*} meter and the cache statistics. One
     * deployed worker per registry owns those names.
     */
    private static void removeMeters(MeterRegistry registry) {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            Meter.Id id = meter.getId();
            if (id.getName().startsWith("confwatch.")
                    || (id.getName().startsWith("cache.") && CACHE_NAME.equals(id.getTag("cache")))) {
                registry.remove(meter);
            }
        }
    }

    /**
     * The same outcome as {@code future}, completed on a ConfWatch thread: Vert.x completes futures on the thread that
     * completes their promise, an event loop here, and a caller's continuation must never run there.
     */
    private static <T> Future<T> offEventLoop(Future<T> future) {
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> CALLBACKS.execute(() -> promise.handle(result)));
        return promise.future();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
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
