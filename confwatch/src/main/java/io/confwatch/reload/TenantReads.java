package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.cache.ConfigCache.Replace;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCoordinator.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reads the coordinator decided on: a version check, a delta or a whole read (one statement each), then
 * installs, drops or records the failure and schedules its retry. Never fails: a failed read keeps the last good
 * snapshot. Runs on the coordinator's context.
 */
final class TenantReads {
    private static final Logger log = LoggerFactory.getLogger(TenantReads.class);
    private final Vertx vertx;
    private final SnapshotLoader loader;
    private final ConfigCache cache;
    private final ConfWatchMetrics metrics;
    private final ReloadPolicy settings;
    private final ReadPlanner planner;
    private final Predicate<UUID> owns;
    private final TenantHealth health;
    private final BooleanSupplier draining;
    private final BiConsumer<UUID, ReadRequest> retry;
    // The server (its start time) each held snapshot was read from: a delta is sound only from the same server.
    private final Map<UUID, String> servers = new HashMap<>();

    /**
     * @param draining whether the coordinator is shutting down: failures are then not retried
     * @param retry queues a failed read again (called on the context, after the backoff)
     */
    TenantReads(
            Vertx vertx,
            SnapshotLoader loader,
            ConfigCache cache,
            ConfWatchMetrics metrics,
            ReloadPolicy settings,
            Predicate<UUID> owns,
            TenantHealth health,
            BooleanSupplier draining,
            BiConsumer<UUID, ReadRequest> retry) {
        this.vertx = vertx;
        this.loader = loader;
        this.cache = cache;
        this.metrics = metrics;
        this.settings = settings;
        this.planner = new ReadPlanner(settings);
        this.owns = owns;
        this.health = health;
        this.draining = draining;
        this.retry = retry;
    }

    /** Reads every tenant whole, page by page in id order, installing owned ones; completes with how many are held. */
    Future<Integer> loadAll(ReloadCause cause) {
        Promise<Integer> done = Promise.promise();
        loadPage(new UUID(0, 0), cause, done, 0);
        return done.future();
    }

    private void loadPage(UUID after, ReloadCause cause, Promise<Integer> done, int loaded) {
        long started = System.nanoTime();
        long generation = cache.generation();
        loader.loadPage(after, settings.batchSize())
                .onSuccess(wholes -> {
                    metrics.reloadDuration(System.nanoTime() - started);
                    Instant now = Instant.now();
                    UUID last = after;
                    int count = loaded;
                    for (TenantRows.Whole rows : wholes.values()) {
                        UUID tenant = rows.tenant().id();
                        last = TenantIds.max(last, tenant);
                        if (owns.test(tenant)) {
                            install(rows, now, cause, Replace.IF_NEWER, generation);
                            count++;
                        }
                    }
                    if (wholes.size() < settings.batchSize()) {
                        done.complete(count);
                    } else {
                        loadPage(last, cause, done, count);
                    }
                })
                .onFailure(done::fail);
    }

    /**
     * Carries out the plans for {@code batch} ({@code requests[i]} asked for {@code batch[i]}, planned as
     * {@code plans[i]}); a batch of several tenants is read whole in one statement.
     */
    Future<Void> read(List<UUID> batch, List<ReadRequest> requests, List<ReadPlanner.Read> plans) {
        long generation = cache.generation();
        if (batch.size() == 1) {
            UUID tenant = batch.get(0);
            ReadRequest request = requests.get(0);
            Optional<TenantSnapshot> held = cache.get(tenant);
            switch (plans.get(0)) {
                case CHECK_VERSION:
                    return checkThenRead(held.orElseThrow(), request, generation);
                case DELTA:
                    return readDelta(held.orElseThrow(), request.cause, generation);
                case SKIP:
                    return Future.succeededFuture();
                case WHOLE:
                    break;
            }
        }
        return readWhole(batch, requests, generation);
    }

    /** Forgets a tenant the database no longer has (as the sweep found): drops its snapshot. */
    void forget(UUID tenant) {
        health.forget(tenant);
        servers.remove(tenant);
        cache.remove(tenant);
    }

    private Future<Void> checkThenRead(TenantSnapshot held, ReadRequest request, long generation) {
        UUID tenant = held.tenant();
        return loader.version(tenant)
                .compose(version -> {
                    switch (ReadPlanner.afterCheck(held, version)) {
                        case GONE:
                            gone(tenant, request.cause);
                            break;
                        case UNCHANGED:
                            metrics.hintDisproved();
                            log.debug(
                                    "Tenant {}: hinted version {} but the database has {}; nothing to load",
                                    tenant,
                                    request.hintedVersion,
                                    version.getAsLong());
                            break;
                        case READ:
                            // The database vouches for the hints: plan again, sized by its version, not the hint's.
                            request.hintedVersion = version.getAsLong();
                            request.hintsOnly = false;
                            ReadPlanner.Read plan = planner.plan(request.ask(), cache.get(tenant), Instant.now());
                            return read(List.of(tenant), List.of(request), List.of(plan));
                    }
                    return Future.<Void>succeededFuture();
                })
                .recover(error -> {
                    failed(tenant, request, error);
                    return Future.succeededFuture();
                });
    }

    private Future<Void> readWhole(List<UUID> batch, List<ReadRequest> requests, long generation) {
        Map<UUID, ReadRequest> byTenant = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byTenant.put(batch.get(i), requests.get(i));
        }
        return loader.load(batch)
                .map(wholes -> {
                    Instant now = Instant.now();
                    byTenant.forEach((tenant, request) -> {
                        TenantRows.Whole rows = wholes.get(tenant);
                        if (rows == null) {
                            gone(tenant, request.cause);
                        } else {
                            install(rows, now, request.cause, ReadPlanner.replaceFor(request.ask()), generation);
                        }
                    });
                    return (Void) null;
                })
                .recover(error -> {
                    byTenant.forEach((tenant, request) -> failed(tenant, request, error));
                    return Future.succeededFuture();
                });
    }

    private Future<Void> readDelta(TenantSnapshot held, ReloadCause cause, long generation) {
        ReadRequest request = new ReadRequest(cause);
        return loader.loadDelta(held.tenant(), held.version())
                .compose(delta -> {
                    ReadPlanner.AfterDelta next = planner.afterDelta(held, delta.facts(servers.get(held.tenant())));
                    if (next == ReadPlanner.AfterDelta.GONE) {
                        gone(held.tenant(), cause);
                        return Future.<Void>succeededFuture();
                    }
                    if (next == ReadPlanner.AfterDelta.WHOLE) {
                        return loader.load(List.of(held.tenant())).map(wholes -> {
                            TenantRows.Whole rows = wholes.get(held.tenant());
                            if (rows == null) {
                                gone(held.tenant(), cause);
                            } else {
                                install(rows, Instant.now(), cause, ReadPlanner.replaceAfterDelta(), generation);
                            }
                            return null;
                        });
                    }
                    install(
                            SnapshotAssembler.patch(held, delta, Instant.now()),
                            delta.tenant().server(),
                            cause,
                            Replace.IF_NEWER,
                            generation);
                    return Future.<Void>succeededFuture();
                })
                .recover(error -> {
                    failed(held.tenant(), request, error);
                    return Future.succeededFuture();
                });
    }

    private void install(TenantRows.Whole rows, Instant now, ReloadCause cause, Replace replace, long generation) {
        TenantSnapshot snapshot =
                SnapshotAssembler.whole(rows, cache.get(rows.tenant().id()), now);
        install(snapshot, rows.tenant().server(), cause, replace, generation);
    }

    private void install(TenantSnapshot snapshot, String server, ReloadCause cause, Replace replace, long generation) {
        UUID tenant = snapshot.tenant();
        long before = cache.get(tenant).map(TenantSnapshot::version).orElse(-1L);
        ConfigCache.Outcome outcome = cache.install(snapshot, replace, generation);
        if (outcome == ConfigCache.Outcome.DROPPED_SINCE) {
            log.debug("Tenant {} was dropped while it was read; the older read is not installed", tenant);
            metrics.reload(cause.label(), ReloadOutcome.UNCHANGED);
            return;
        }
        health.installed(tenant, snapshot.version());
        if (outcome == ConfigCache.Outcome.KEPT) {
            if (cache.get(tenant).filter(held -> held.sameContentAs(snapshot)).isPresent()) {
                // The held snapshot is what this server holds too: deltas from it are sound on this server.
                servers.put(tenant, server);
            }
            metrics.reload(cause.label(), ReloadOutcome.UNCHANGED);
            return;
        }
        servers.put(tenant, server);
        metrics.reload(cause.label(), ReloadOutcome.APPLIED);
        if (cause.measuresPropagation() && snapshot.version() > before && before >= 0) {
            metrics.propagation(Duration.between(snapshot.changedAt(), Instant.now()));
        }
        if (!snapshot.invalid().isEmpty()) {
            log.warn(
                    "Tenant {} version {}: {} invalid entities not served (first: {} {} {})",
                    tenant,
                    snapshot.version(),
                    snapshot.invalid().size(),
                    snapshot.invalid().get(0).kind().wireName(),
                    snapshot.invalid().get(0).id(),
                    snapshot.invalid().get(0).reason());
        }
    }

    private void gone(UUID tenant, ReloadCause cause) {
        health.forget(tenant);
        servers.remove(tenant);
        if (cache.remove(tenant)) {
            metrics.reload(cause.label(), ReloadOutcome.REMOVED);
            log.info("Tenant {} was deleted; its snapshot is dropped", tenant);
        } else {
            metrics.reload(cause.label(), ReloadOutcome.MISSING);
        }
    }

    private void failed(UUID tenant, ReadRequest request, Throwable error) {
        metrics.reload(request.cause.label(), ReloadOutcome.FAILED);
        if (draining.getAsBoolean()) {
            log.debug("Reading tenant {} ended by shutdown: {}", tenant, error.toString());
            return;
        }
        Failure failure = health.failed(tenant, error);
        int attempts = failure.attempts();
        long delay = settings.retryBackoff().delayMillis(attempts);
        if (attempts == 1 || Long.bitCount(attempts) == 1) {
            log.warn(
                    "Reading tenant {} failed (attempt {}), retrying in {} ms: {}",
                    tenant,
                    attempts,
                    delay,
                    error.toString());
        }
        vertx.setTimer(delay, id -> {
            if (!draining.getAsBoolean() && health.isFailing(tenant)) {
                retry.accept(tenant, request);
            }
        });
    }
}
