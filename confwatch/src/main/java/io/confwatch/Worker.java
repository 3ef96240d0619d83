package io.confwatch;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.Backoff;
import io.confwatch.config.Mode;
import io.confwatch.config.TenantOwnership;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.ChangeLogRetention;
import io.confwatch.db.Connections;
import io.confwatch.db.PgClients;
import io.confwatch.listen.ChangeListener;
import io.confwatch.listen.ListenerEvents;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.ListenerStatus;
import io.confwatch.reload.ReloadCause;
import io.confwatch.reload.ReloadCoordinator;
import io.confwatch.reload.ReloadPolicy;
import io.confwatch.reload.SnapshotLoader;
import io.confwatch.reload.VersionSweeper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's moving parts on one event-loop context: listener → coordinator → loader → cache, plus the sweeper. Start
 * order follows DESIGN §4.1: LISTEN first, then the initial load, then ready; stop order follows §4.5.
 */
final class Worker extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** How often {@code pg_notification_queue_usage()} is read for its gauge. */
    private static final Duration QUEUE_USAGE_INTERVAL = Duration.ofSeconds(15);

    private static final long POOL_CLOSE_GRACE_MILLIS = 1_000;

    private final WorkerConfig config;
    private final PgClients clients;
    private final ConfigCache cache;
    private final ConfWatchMetrics metrics;
    private final TenantOwnership owns;
    private final Promise<Void> ready = Promise.promise();

    private Pool pool;
    private SnapshotLoader loader;
    private ReloadCoordinator coordinator;
    private VersionSweeper sweeper;
    private ChangeListener listener;
    private ChangeLogRetention retention;
    private volatile boolean isReady;
    private volatile boolean stopping;
    private volatile double notifyQueueUsage = Double.NaN;
    private volatile Instant initialLoadAt;
    private long queueUsageTimer = -1;
    private long catchUps;
    private boolean reconnectedWhileLoading;
    /** Paces retries of the initial load and of catch-up sweeps, like retries of a failed tenant read. */
    private Backoff retryBackoff;

    Worker(WorkerConfig config, PgClients clients, ConfigCache cache, ConfWatchMetrics metrics, TenantOwnership owns) {
        this.config = config;
        this.clients = clients;
        this.cache = cache;
        this.metrics = metrics;
        this.owns = owns;
    }

    @Override
    public Future<?> start() {
        pool = clients.pool(config.pool().size(), "confwatch");
        retryBackoff =
                new Backoff(config.reload().retryMinBackoff(), config.reload().retryMaxBackoff());
        loader = new SnapshotLoader(pool, clients.callTimeout(), owns.sqlSlots());
        coordinator = new ReloadCoordinator(
                vertx,
                context,
                loader,
                cache,
                metrics,
                ReloadPolicy.from(config),
                owns,
                this::sweepSoon,
                config.reload().fullReloadBudget());
        sweeper = new VersionSweeper(
                vertx,
                loader,
                cache,
                coordinator,
                owns,
                config.reload().sweepFullInterval(),
                config.reload().loadBatchSize(),
                metrics);
        metrics.fullReloadMeters(
                () -> sweeper.fullReloadStatus().progress(),
                () -> {
                    FullReloadStatus.Finished last = sweeper.fullReloadStatus().last();
                    return last == null ? Double.NaN : last.took().toNanos() / 1e9;
                },
                () -> sweeper.fullReloadStatus().read(),
                () -> sweeper.fullReloadStatus().skipped(),
                () -> sweeper.fullReloadStatus().databaseTime().toNanos() / 1e9,
                config.reload().fullReloadBudget().fraction());
        metrics.gauge(ConfWatchMetrics.TENANTS, "Tenants held by this worker", cache::size);
        metrics.gauge(
                ConfWatchMetrics.STALE_TENANTS,
                "Tenants known to be behind the database, or failing",
                () -> coordinator.staleTenants());
        metrics.gauge(
                ConfWatchMetrics.INVALID_ENTITIES,
                "Entities not served because their definition is invalid",
                () -> cache.all().stream().mapToInt(s -> s.invalid().size()).sum());
        metrics.secondsGauge(
                ConfWatchMetrics.LAST_SWEEP_AGE,
                "Seconds since the last successful versioned sweep (or the initial load, before the first sweep)",
                () -> {
                    Instant last = latest(sweeper.lastSweepAt(), initialLoadAt);
                    return last == null
                            ? Double.NaN
                            : Duration.between(last, Instant.now()).toMillis() / 1000.0;
                });
        metrics.gauge(
                ConfWatchMetrics.SWEEP_HORIZON_XIDS,
                "Transaction ids between the last sweep's horizon and the next id: how far the oldest running"
                        + " transaction holds the sweep cursor back (each sweep reads every tenant changed since)",
                sweeper::heldBackXids);
        metrics.gauge(
                ConfWatchMetrics.NOTIFY_QUEUE_USAGE,
                "Fraction of PostgreSQL's notification queue in use (pg_notification_queue_usage()); at 1 every "
                        + "notifying commit fails",
                () -> notifyQueueUsage);
        queueUsageTimer = vertx.setPeriodic(1, QUEUE_USAGE_INTERVAL.toMillis(), id -> readQueueUsage());
        Future<Void> listening = Future.succeededFuture();
        if (config.mode() == Mode.LISTEN) {
            listener = new ChangeListener(
                    vertx,
                    clients::connectListener,
                    clients.describe(),
                    pool,
                    config.listener(),
                    config.workerId(),
                    config.pool().queryTimeout(),
                    coordinator::onNotification,
                    new ListenerEvents() {
                        @Override
                        public void listening(boolean reconnect) {
                            onListening(reconnect);
                        }

                        @Override
                        public void silent(String reason) {
                            onSilentListener();
                        }
                    },
                    metrics);
            listening = listener.start();
        }
        // Deployment completes at once; readiness follows the initial load, which retries until the database answers.
        listening.onSuccess(v -> initialLoad(1)).onFailure(ready::tryFail);
        return Future.succeededFuture();
    }

    private void initialLoad(int attempt) {
        if (stopping) {
            return;
        }
        long started = System.nanoTime();
        coordinator
                .loadAll(ReloadCause.STARTUP)
                .onSuccess(count -> {
                    log.info(
                            "Initial load: {} tenants in {} ms; ready",
                            count,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                    initialLoadAt = Instant.now();
                    isReady = true;
                    ready.tryComplete();
                    sweeper.start(config.sweepInterval(), config.reload().fullReloadInterval());
                    if (reconnectedWhileLoading) {
                        catchUp(++catchUps, 1);
                    }
                    retention = new ChangeLogRetention(
                            vertx,
                            pool,
                            config.retention().changeRetention(),
                            config.retention().interval(),
                            clients.callTimeout());
                    retention.start();
                })
                .onFailure(error -> {
                    long delay = retryBackoff.delayMillis(attempt);
                    log.warn(
                            "Initial load failed (attempt {}), retrying in {} ms: {}",
                            attempt,
                            delay,
                            error.toString());
                    vertx.setTimer(delay, id -> initialLoad(attempt + 1));
                });
    }

    private void readQueueUsage() {
        Connections.withConnection(
                        pool, clients.callTimeout(), conn -> conn.query("select pg_notification_queue_usage()")
                                .execute())
                .onSuccess(rows -> notifyQueueUsage = rows.iterator().next().getDouble(0))
                .onFailure(error -> {
                    // Unknown, not "empty": a stale reading would hide a queue filling up while we cannot look.
                    notifyQueueUsage = Double.NaN;
                    log.debug("Cannot read pg_notification_queue_usage(): {}", error.toString());
                });
    }

    private void onListening(boolean reconnect) {
        if (!reconnect) {
            return;
        }
        if (isReady) {
            // Hints sent while the listener was away are gone: compare every version now.
            catchUp(++catchUps, 1);
        } else {
            // The initial load may have read some tenants before the gap: catch up once it is done.
            reconnectedWhileLoading = true;
        }
    }

    /**
     * The listener's connection looked alive and said nothing: the path to the database may be dead for the pooled
     * connections too. Aborting them now spares the catch-up sweep (and every read) a call timeout per silent one.
     */
    private void onSilentListener() {
        int aborted = clients.abortPooled();
        if (aborted > 0) {
            log.warn("Listener went silent: aborted {} pooled connections too; the pool opens new ones", aborted);
        }
    }

    /**
     * The catch-up sweep after a reconnect, retried with backoff until it succeeds: the listener can be back before
     * the pool is (its connections may still be dead), and a failed catch-up would otherwise wait for the next
     * periodic sweep. A newer reconnect's catch-up takes over.
     */
    private void catchUp(long generation, int attempt) {
        if (stopping || generation != catchUps) {
            return;
        }
        sweeper.sweep(ReloadCause.RECONNECT).onFailure(error -> {
            long delay = retryBackoff.delayMillis(attempt);
            if (Long.bitCount(attempt) == 1) {
                log.warn(
                        "Catch-up sweep after reconnect failed (attempt {}), retrying in {} ms: {}",
                        attempt,
                        delay,
                        error.toString());
            }
            vertx.setTimer(delay, id -> catchUp(generation, attempt + 1));
        });
    }

    private void sweepSoon() {
        if (isReady) {
            sweeper.sweep(ReloadCause.SWEEP);
        }
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        isReady = false;
        if (queueUsageTimer >= 0) {
            vertx.cancelTimer(queueUsageTimer);
        }
        if (sweeper != null) {
            sweeper.stop();
        }
        if (retention != null) {
            retention.stop();
        }
        Future<Void> unlisten = listener == null ? Future.succeededFuture() : listener.stop();
        long bound = config.shutdownTimeout().toMillis();
        return unlisten.compose(v -> coordinator.drain())
                .timeout(bound, TimeUnit.MILLISECONDS)
                .recover(e -> {
                    log.warn("Shutdown: in-flight loads did not finish within {} ms; cutting them off", bound);
                    // Closing the pool would otherwise wait for each of them (up to the query timeout).
                    loader.abortReads();
                    return Future.succeededFuture();
                })
                // The shutdown timeout is spent on the loads; closing idle connections gets only a short grace.
                .compose(v -> pool.close()
                        .timeout(Math.min(bound, POOL_CLOSE_GRACE_MILLIS), TimeUnit.MILLISECONDS)
                        .otherwiseEmpty());
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.isAfter(b) ? a : b;
    }

    /** Completes after the initial load; fails when the worker refuses to start (a {@code ConfigException}). */
    Future<Void> ready() {
        return ready.future();
    }

    boolean isReady() {
        return isReady;
    }

    ReloadCoordinator coordinator() {
        return coordinator;
    }

    VersionSweeper sweeper() {
        return sweeper;
    }

    ListenerStatus listenerStatus() {
        return listener == null ? null : listener.status();
    }

    ChangeListener listener() {
        return listener;
    }
}
