package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.listen.Notification;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.metrics.ConfWatchMetrics.HintOutcome;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which tenants to read and when. Coalesces (one read in flight per tenant plus one queued, so a storm of hints
 * costs at most two reads), bounds reads in flight, batches queued tenants into one statement, prefers delta reads,
 * retries failures with backoff, and keeps the last good snapshot throughout. Confined to one Vert.x context: every
 * public method hops onto it, so its state needs no locks.
 */
public final class ReloadCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ReloadCoordinator.class);

    private final Vertx vertx;
    private final Context context;
    private final SnapshotLoader loader;
    private final ConfigCache cache;
    private final ConfWatchMetrics metrics;
    private final ReloadPolicy settings;
    private final Predicate<UUID> owns;
    private final Runnable onOverflow;

    private final Map<UUID, Request> queued = new LinkedHashMap<>();
    private final Set<UUID> loading = new HashSet<>();
    // Read by /status and metrics scrapes from other threads, hence concurrent maps.
    private final Map<UUID, Long> knownVersions = new ConcurrentHashMap<>();
    private final Map<UUID, Failure> failures = new ConcurrentHashMap<>();
    private int readsInFlight;
    private Promise<Void> drained;

    /** A read that failed and is being retried; shown in {@code /status}. */
    public record Failure(UUID tenant, int attempts, String error, Instant since) {}

    public ReloadCoordinator(
            Vertx vertx,
            Context context,
            SnapshotLoader loader,
            ConfigCache cache,
            ConfWatchMetrics metrics,
            ReloadPolicy settings,
            Predicate<UUID> owns,
            Runnable onOverflow) {
        this.vertx = vertx;
        this.context = context;
        this.loader = loader;
        this.cache = cache;
        this.metrics = metrics;
        this.settings = settings;
        this.owns = owns;
        this.onOverflow = onOverflow;
    }

    /** Takes one notification from the listener: acts on change hints, counts everything. */
    public void onNotification(Notification notification) {
        onContext(() -> {
            if (notification instanceof Notification.ChangeHint hint) {
                onHint(hint);
            } else if (notification instanceof Notification.Malformed malformed) {
                metrics.hint(HintOutcome.MALFORMED);
                log.debug("Ignored a malformed notification: {}", malformed.reason());
            } else {
                metrics.hint(HintOutcome.IGNORED);
            }
        });
    }

    /**
     * Queues a read of {@code tenant}; the future completes when a read that started after this call has finished
     * (succeeded or failed: the failure is retried in the background).
     */
    public Future<Void> request(UUID tenant, ReloadCause cause, boolean forced) {
        Promise<Void> done = Promise.promise();
        onContext(() -> {
            if (!owns.test(tenant)) {
                done.complete();
                return;
            }
            enqueue(tenant, cause, forced, -1, done);
            dispatch();
        });
        return done.future();
    }

    /** Queues reads of many tenants at once; they are read in batches. */
    public Future<Void> requestAll(Collection<UUID> tenants, ReloadCause cause, boolean forced) {
        List<Future<Void>> all = new ArrayList<>(tenants.size());
        Promise<Void> queuedAll = Promise.promise();
        onContext(() -> {
            for (UUID tenant : tenants) {
                if (owns.test(tenant)) {
                    Promise<Void> done = Promise.promise();
                    all.add(done.future());
                    enqueue(tenant, cause, forced, -1, done);
                }
            }
            dispatch();
            Future.join(all).<Void>mapEmpty().onComplete(ar -> queuedAll.complete());
        });
        return queuedAll.future();
    }

    /**
     * Reads every tenant whole, page by page in id order (one statement per page), installing owned ones as it goes:
     * the start-up load. Completes with how many tenants are held.
     */
    public Future<Integer> loadAll(ReloadCause cause) {
        Promise<Integer> done = Promise.promise();
        onContext(() -> loadPage(new UUID(0, 0), cause, done, 0));
        return done.future();
    }

    private void loadPage(UUID after, ReloadCause cause, Promise<Integer> done, int loaded) {
        long started = System.nanoTime();
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
                            install(SnapshotAssembler.whole(rows, cache.get(tenant), now), cause, false);
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

    /** Records a version seen elsewhere (the sweep) so {@link #staleTenants()} counts tenants known to be behind. */
    public void noteVersion(UUID tenant, long version) {
        onContext(() -> knownVersions.merge(tenant, version, Math::max));
    }

    /** Drops a tenant the database no longer has. */
    public void forget(UUID tenant) {
        onContext(() -> {
            knownVersions.remove(tenant);
            failures.remove(tenant);
            cache.remove(tenant);
        });
    }

    /** Tenants whose held version is known to be behind the database, or whose last read failed. */
    public int staleTenants() {
        Set<UUID> stale = new HashSet<>(failures.keySet());
        knownVersions.forEach((tenant, version) -> {
            long held = cache.get(tenant).map(TenantSnapshot::version).orElse(-1L);
            if (version > held) {
                stale.add(tenant);
            }
        });
        return stale.size();
    }

    /** Tenants whose last read failed, for {@code /status}. */
    public List<Failure> failures() {
        return List.copyOf(failures.values());
    }

    /** Completes when nothing is queued or in flight (or at once when already idle). */
    public Future<Void> drain() {
        Promise<Void> promise = Promise.promise();
        onContext(() -> {
            queued.values().forEach(request -> request.waiters.forEach(Promise::tryComplete));
            queued.clear();
            if (readsInFlight == 0) {
                promise.complete();
            } else {
                drained = promise;
            }
        });
        return promise.future();
    }

    private void onHint(Notification.ChangeHint hint) {
        UUID tenant = hint.tenant();
        if (!owns.test(tenant)) {
            metrics.hint(HintOutcome.IGNORED);
            return;
        }
        Optional<TenantSnapshot> held = cache.get(tenant);
        if (held.isPresent() && hint.version() <= held.get().version()) {
            metrics.hint(HintOutcome.STALE);
            return;
        }
        Request pending = queued.get(tenant);
        if (pending != null && hint.version() <= pending.hintedVersion) {
            metrics.hint(HintOutcome.STALE);
            return;
        }
        if (pending == null && queued.size() >= settings.maxPending()) {
            metrics.hintDropped();
            onOverflow.run();
            return;
        }
        metrics.hint(HintOutcome.ACCEPTED);
        enqueue(tenant, ReloadCause.NOTIFY, false, hint.version(), null);
        dispatch();
    }

    private void enqueue(UUID tenant, ReloadCause cause, boolean forced, long hintedVersion, Promise<Void> done) {
        Request request = queued.computeIfAbsent(tenant, t -> new Request(cause));
        request.forced |= forced;
        request.hintedVersion = Math.max(request.hintedVersion, hintedVersion);
        if (hintedVersion >= 0) {
            request.lowestHint = Math.min(request.lowestHint, hintedVersion);
        } else {
            request.hintsOnly = false;
        }
        if (done != null) {
            request.waiters.add(done);
        }
    }

    private void dispatch() {
        while (readsInFlight < settings.maxConcurrentLoads() && !queued.isEmpty()) {
            List<UUID> batch = new ArrayList<>();
            List<Request> requests = new ArrayList<>();
            Iterator<Map.Entry<UUID, Request>> it = queued.entrySet().iterator();
            while (it.hasNext() && batch.size() < settings.batchSize()) {
                Map.Entry<UUID, Request> entry = it.next();
                if (loading.contains(entry.getKey())) {
                    continue;
                }
                Request request = entry.getValue();
                Optional<TenantSnapshot> held = cache.get(entry.getKey());
                if (!request.forced
                        && request.waiters.isEmpty()
                        && held.isPresent()
                        && request.hintedVersion >= 0
                        && request.hintedVersion <= held.get().version()) {
                    // Queued behind a read that has since brought this version in.
                    it.remove();
                    continue;
                }
                boolean check = needsVersionCheck(request, held);
                if (check && !batch.isEmpty()) {
                    // Checked alone, in a read of its own (next round of this loop).
                    continue;
                }
                it.remove();
                batch.add(entry.getKey());
                requests.add(request);
                if (check) {
                    break;
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            loading.addAll(batch);
            readsInFlight++;
            long started = System.nanoTime();
            read(batch, requests).onComplete(ar -> {
                readsInFlight--;
                loading.removeAll(batch);
                metrics.reloadDuration(System.nanoTime() - started);
                for (Request request : requests) {
                    request.waiters.forEach(Promise::tryComplete);
                }
                if (drained != null && readsInFlight == 0) {
                    drained.tryComplete();
                } else {
                    dispatch();
                }
            });
        }
    }

    private Future<Void> read(List<UUID> batch, List<Request> requests) {
        if (batch.size() == 1) {
            UUID tenant = batch.get(0);
            Request request = requests.get(0);
            Optional<TenantSnapshot> held = cache.get(tenant);
            if (needsVersionCheck(request, held)) {
                return checkThenRead(held.get(), request);
            }
            if (held.isPresent() && !request.forced && deltaApplies(held.get(), request)) {
                return readDelta(held.get(), request.cause);
            }
        }
        return readWhole(batch, requests);
    }

    /**
     * Whether {@code request} rests only on hints that skip versions after the held one. A tenant's genuine hints
     * arrive in commit order, one version at a time, so they start at most one above the held version; hints that
     * start further up may be made up (any role can NOTIFY) or follow writes made with notifications off. Either way
     * a one-row version read decides whether there is anything to load, so a storm of invented versions costs no
     * loads and cannot pick a whole read either.
     */
    private static boolean needsVersionCheck(Request request, Optional<TenantSnapshot> held) {
        return request.hintsOnly
                && held.isPresent()
                && request.lowestHint > held.get().version() + 1;
    }

    private Future<Void> checkThenRead(TenantSnapshot held, Request request) {
        UUID tenant = held.tenant();
        return loader.version(tenant)
                .compose(version -> {
                    if (version.isEmpty()) {
                        gone(tenant, request.cause);
                    } else if (version.getAsLong() <= held.version()) {
                        metrics.hintDisproved();
                        log.debug(
                                "Tenant {}: hinted version {} but the database has {}; nothing to load",
                                tenant,
                                request.hintedVersion,
                                version.getAsLong());
                    } else {
                        // The database vouches for the hints: read as usual, sized by its version, not the hint's.
                        request.hintedVersion = version.getAsLong();
                        request.hintsOnly = false;
                        return read(List.of(tenant), List.of(request));
                    }
                    return Future.<Void>succeededFuture();
                })
                .recover(error -> {
                    failed(tenant, request, error);
                    return Future.succeededFuture();
                });
    }

    private Future<Void> readWhole(List<UUID> batch, List<Request> requests) {
        Map<UUID, Request> byTenant = new LinkedHashMap<>();
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
                            Optional<TenantSnapshot> held = cache.get(tenant);
                            install(SnapshotAssembler.whole(rows, held, now), request.cause, request.forced);
                        }
                    });
                    return (Void) null;
                })
                .recover(error -> {
                    byTenant.forEach((tenant, request) -> failed(tenant, request, error));
                    return Future.succeededFuture();
                });
    }

    private boolean deltaApplies(TenantSnapshot held, Request request) {
        boolean recent = held.loadedAt().isAfter(Instant.now().minus(settings.deltaMaxAge()));
        boolean nearby =
                request.hintedVersion < 0 || request.hintedVersion - held.version() <= settings.deltaMaxVersions();
        return recent && nearby;
    }

    private Future<Void> readDelta(TenantSnapshot held, ReloadCause cause) {
        Request request = new Request(cause);
        return loader.loadDelta(held.tenant(), held.version())
                .compose(delta -> {
                    if (delta.tenant() == null) {
                        gone(held.tenant(), cause);
                        return Future.<Void>succeededFuture();
                    }
                    if (!delta.isComplete() || delta.changedIds().size() > settings.deltaMaxVersions() * 16L) {
                        // The log does not account for every version (purged, a bare touch, or the database went
                        // back in time after a restore), or so much changed that one whole read is cheaper.
                        return loader.load(List.of(held.tenant())).map(wholes -> {
                            TenantRows.Whole rows = wholes.get(held.tenant());
                            if (rows == null) {
                                gone(held.tenant(), cause);
                            } else {
                                install(SnapshotAssembler.whole(rows, Optional.of(held), Instant.now()), cause, true);
                            }
                            return null;
                        });
                    }
                    install(SnapshotAssembler.patch(held, delta, Instant.now()), cause, false);
                    return Future.<Void>succeededFuture();
                })
                .recover(error -> {
                    failed(held.tenant(), request, error);
                    return Future.succeededFuture();
                });
    }

    private void install(TenantSnapshot snapshot, ReloadCause cause, boolean forced) {
        UUID tenant = snapshot.tenant();
        long before = cache.get(tenant).map(TenantSnapshot::version).orElse(-1L);
        ConfigCache.Outcome outcome = cache.install(snapshot, forced);
        failures.remove(tenant);
        knownVersions.computeIfPresent(tenant, (t, known) -> known > snapshot.version() ? known : null);
        if (outcome == ConfigCache.Outcome.KEPT) {
            metrics.reload(cause.label(), ReloadOutcome.UNCHANGED);
            return;
        }
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
        failures.remove(tenant);
        knownVersions.remove(tenant);
        if (cache.remove(tenant)) {
            metrics.reload(cause.label(), ReloadOutcome.REMOVED);
            log.info("Tenant {} was deleted; its snapshot is dropped", tenant);
        } else {
            metrics.reload(cause.label(), ReloadOutcome.MISSING);
        }
    }

    private void failed(UUID tenant, Request request, Throwable error) {
        metrics.reload(request.cause.label(), ReloadOutcome.FAILED);
        if (drained != null) {
            log.debug("Reading tenant {} ended by shutdown: {}", tenant, error.toString());
            return;
        }
        Failure previous = failures.get(tenant);
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        failures.put(
                tenant,
                new Failure(
                        tenant,
                        attempts,
                        String.valueOf(error.getMessage()),
                        previous == null ? Instant.now() : previous.since()));
        long delay = backoffMillis(attempts);
        if (attempts == 1 || Long.bitCount(attempts) == 1) {
            log.warn(
                    "Reading tenant {} failed (attempt {}), retrying in {} ms: {}",
                    tenant,
                    attempts,
                    delay,
                    error.toString());
        }
        vertx.setTimer(delay, id -> {
            if (drained == null && failures.containsKey(tenant)) {
                enqueue(tenant, request.cause, request.forced, -1, null);
                dispatch();
            }
        });
    }

    private long backoffMillis(int attempts) {
        long min = settings.retryMinBackoff().toMillis();
        long max = settings.retryMaxBackoff().toMillis();
        long exp = min << Math.min(attempts - 1, 20);
        long capped = Math.min(max, exp < 0 ? max : exp);
        // Full jitter in [capped/2, capped]: many pods failing together do not retry in step.
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    /** A queued read: merged from every request for the tenant since the last read started. */
    private static final class Request {
        final ReloadCause cause;
        final List<Promise<Void>> waiters = new ArrayList<>(1);
        boolean forced;
        long hintedVersion = -1;
        long lowestHint = Long.MAX_VALUE;
        // False once anything but a hint (a sweep, a manual reload, a retry) asked for this read.
        boolean hintsOnly = true;

        Request(ReloadCause cause) {
            this.cause = cause;
        }
    }
}
