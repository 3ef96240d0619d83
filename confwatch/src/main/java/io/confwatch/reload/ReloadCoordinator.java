package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.config.ReloadBudget;
import io.confwatch.listen.Notification;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.metrics.ConfWatchMetrics.HintOutcome;
import io.confwatch.model.ReadFailedException;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    private final ConfigCache cache;
    private final ConfWatchMetrics metrics;
    private final ReloadPolicy settings;
    private final Predicate<UUID> owns;
    private final Runnable onOverflow;

    private final ReadQueue queued = new ReadQueue();
    private final Set<UUID> loading = new HashSet<>();
    private final TenantHealth health;
    private final TenantReads reads;
    private final ReadPlanner planner;
    private int readsInFlight;
    // Full reloads take one connection at most, so they slow neither hints nor the readers of the cache much.
    private int bulkReadsInFlight;
    private Promise<Void> drained;
    // Full-reload pages wait here between one another (the budget of database time per second); nothing else does.
    private final FullReloadPacer pacer;
    private long pacedDispatchTimer = -1;

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
        this(vertx, context, loader, cache, metrics, settings, owns, onOverflow, ReloadBudget.UNPACED);
    }

    /** As above, with full reloads' bulk reads paced to {@code budget} of database time per second. */
    public ReloadCoordinator(
            Vertx vertx,
            Context context,
            SnapshotLoader loader,
            ConfigCache cache,
            ConfWatchMetrics metrics,
            ReloadPolicy settings,
            Predicate<UUID> owns,
            Runnable onOverflow,
            ReloadBudget budget) {
        this.vertx = vertx;
        this.pacer = new FullReloadPacer(vertx, budget);
        this.context = context;
        this.cache = cache;
        this.metrics = metrics;
        this.settings = settings;
        this.owns = owns;
        this.onOverflow = onOverflow;
        this.health = new TenantHealth(cache);
        this.planner = new ReadPlanner(settings);
        this.reads = new TenantReads(
                vertx, loader, cache, metrics, settings, owns, health, () -> drained != null, this::retry);
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
     * Queues a read of {@code tenant}; the future completes, never fails, with the {@link ReadOutcome} of a read that
     * started after this call: {@link ReadOutcome.Failed} when that read failed (the last good snapshot stays and the
     * read is retried in the background), {@link ReadOutcome.Gone} at once for a tenant this worker does not own.
     */
    public Future<ReadOutcome> request(UUID tenant, ReloadCause cause, boolean forced) {
        Promise<ReadOutcome> done = Promise.promise();
        onContext(() -> {
            if (!owns.test(tenant)) {
                done.complete(new ReadOutcome.Gone(tenant));
                return;
            }
            enqueue(tenant, cause, forced, false, -1, done);
            dispatch();
        });
        return done.future();
    }

    /**
     * Queues reads of many tenants at once; they are read in batches. Completes when all are done, failed when any
     * failed. Forced ones (full reloads) wait in the bulk lane:
     * behind every other read, one batch in flight at a time.
     */
    public Future<Void> requestAll(Collection<UUID> tenants, ReloadCause cause, boolean forced) {
        List<Future<ReadOutcome>> all = new ArrayList<>(tenants.size());
        Promise<Void> queuedAll = Promise.promise();
        onContext(() -> {
            for (UUID tenant : tenants) {
                if (owns.test(tenant)) {
                    Promise<ReadOutcome> done = Promise.promise();
                    all.add(done.future());
                    enqueue(tenant, cause, forced, forced, -1, done);
                }
            }
            dispatch();
            Future.join(all).onComplete(ar -> completeAll(all, queuedAll));
        });
        return queuedAll.future();
    }

    /**
     * One page of a full reload: of {@code tenants} (listed in the database, with each one's digest there now in
     * {@code digests}; a tenant without one is read), queues a forced whole read in the bulk lane for each owned one whose
     * digest differs from the one its held snapshot was verified at ({@link DigestGate}), and skips the others.
     * Completes, never fails, when the queued reads are done, saying how many were read, skipped and failed.
     */
    Future<PageOutcome> requestChanged(List<UUID> tenants, Map<UUID, TenantDigest> digests, ReloadCause cause) {
        Promise<PageOutcome> done = Promise.promise();
        onContext(() -> {
            List<Future<ReadOutcome>> all = new ArrayList<>(tenants.size());
            int skipped = 0;
            for (UUID tenant : tenants) {
                if (!owns.test(tenant)) {
                    continue;
                }
                if (reads.unchangedSinceVerified(tenant, digests.get(tenant))) {
                    skipped++;
                    continue;
                }
                Promise<ReadOutcome> read = Promise.promise();
                all.add(read.future());
                enqueue(tenant, cause, true, true, -1, read);
            }
            dispatch();
            int verified = skipped;
            Future.join(all).onComplete(ar -> {
                int failed = (int) all.stream()
                        .map(Future::result)
                        .filter(ReadOutcome.Failed.class::isInstance)
                        .count();
                done.complete(new PageOutcome(all.size(), verified, failed));
            });
        });
        return done.future();
    }

    /** What one page of a full reload did: tenants read whole (of which {@code failed} failed), and tenants skipped. */
    record PageOutcome(int read, int skipped, int failed) {}

    /** The pacer full reloads share (their digest statements and their bulk reads). */
    FullReloadPacer pacer() {
        return pacer;
    }

    /**
     * Reads every tenant whole, page by page in id order (one statement per page), installing owned ones as it goes:
     * the start-up load. Completes with how many tenants are held.
     */
    public Future<Integer> loadAll(ReloadCause cause) {
        Promise<Integer> done = Promise.promise();
        onContext(() -> reads.loadAll(cause).onComplete(done));
        return done.future();
    }

    /** Records a version seen elsewhere (the sweep) so {@link #staleTenants()} counts tenants known to be behind. */
    public void noteVersion(UUID tenant, long version) {
        onContext(() -> health.noteVersion(tenant, version));
    }

    /** Drops a tenant the database no longer has. */
    public void forget(UUID tenant) {
        onContext(() -> reads.forget(tenant));
    }

    /**
     * Queues forced whole reads of tenants the database holds at a lower version than held, or at the held version with
     * another change stamp: it went back in time. Each replaces what is held with what the database holds now, without
     * dropping it first (the tenant exists throughout). Completes when their reads are done.
     */
    public Future<Void> requestRewound(Collection<UUID> tenants, ReloadCause cause) {
        List<Future<ReadOutcome>> all = new ArrayList<>(tenants.size());
        Promise<Void> done = Promise.promise();
        onContext(() -> {
            for (UUID tenant : tenants) {
                if (owns.test(tenant)) {
                    Promise<ReadOutcome> read = Promise.promise();
                    all.add(read.future());
                    enqueue(tenant, cause, true, false, -1, read);
                    queued.get(tenant).rewound = true;
                }
            }
            dispatch();
            Future.join(all).onComplete(ar -> completeAll(all, done));
        });
        return done.future();
    }

    /** Tenants whose held version is known to be behind the database, or whose last read failed. */
    public int staleTenants() {
        return health.staleTenants();
    }

    /** Tenants whose last read failed, for {@code /status}. */
    public List<Failure> failures() {
        return health.failures();
    }

    /** Completes when nothing is queued or in flight (or at once when already idle). */
    public Future<Void> drain() {
        Promise<Void> promise = Promise.promise();
        onContext(() -> {
            queued.forEach((tenant, request) -> {
                ReadOutcome notRead = new ReadOutcome.Failed(tenant, "the worker shut down before the read ran");
                request.waiters.forEach(waiter -> waiter.tryComplete(notRead));
            });
            queued.clear();
            if (pacedDispatchTimer >= 0) {
                vertx.cancelTimer(pacedDispatchTimer);
                pacedDispatchTimer = -1;
            }
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
        ReadRequest pending = queued.get(tenant);
        if (pending != null && hint.version() <= pending.hintedVersion) {
            metrics.hint(HintOutcome.STALE);
            return;
        }
        if (pending == null && queued.urgentSize() >= settings.maxPending()) {
            metrics.hintDropped();
            onOverflow.run();
            return;
        }
        metrics.hint(HintOutcome.ACCEPTED);
        enqueue(tenant, ReloadCause.NOTIFY, false, false, hint.version(), null);
        dispatch();
    }

    private void enqueue(
            UUID tenant,
            ReloadCause cause,
            boolean forced,
            boolean bulk,
            long hintedVersion,
            Promise<ReadOutcome> done) {
        ReadRequest request = queued.request(tenant, cause, bulk);
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
            List<ReadRequest> requests = new ArrayList<>();
            List<ReadPlanner.Read> plans = new ArrayList<>();
            // A full reload holds one slot while it runs, so a steady stream of hints cannot starve it; with a
            // single slot it waits for the urgent lane to empty.
            boolean bulk =
                    bulkReadsInFlight == 0 && (settings.maxConcurrentLoads() > 1 || !queued.hasUrgent()) && paced();
            if (bulk) {
                take(queued.lane(true), batch, requests, plans);
                bulk = !batch.isEmpty();
            }
            if (!bulk) {
                take(queued.lane(false), batch, requests, plans);
            }
            if (batch.isEmpty()) {
                return;
            }
            loading.addAll(batch);
            readsInFlight++;
            boolean inBulk = bulk;
            if (inBulk) {
                bulkReadsInFlight++;
            }
            long started = System.nanoTime();
            reads.read(batch, requests, plans).onComplete(ar -> {
                readsInFlight--;
                if (inBulk) {
                    bulkReadsInFlight--;
                    pacer.spent(System.nanoTime() - started);
                }
                loading.removeAll(batch);
                metrics.reloadDuration(System.nanoTime() - started);
                Map<UUID, ReadOutcome> outcomes = ar.succeeded() ? ar.result() : Map.of();
                for (int i = 0; i < requests.size(); i++) {
                    UUID tenant = batch.get(i);
                    // The outcome TenantReads decided, as is: a failed read reaches its waiters as Failed.
                    ReadOutcome outcome = outcomes.getOrDefault(
                            tenant,
                            ReadOutcomes.failed(
                                    tenant, ar.failed() ? ar.cause() : new IllegalStateException("no outcome")));
                    requests.get(i).waiters.forEach(waiter -> waiter.tryComplete(outcome));
                }
                if (drained != null && readsInFlight == 0) {
                    drained.tryComplete();
                } else {
                    dispatch();
                }
            });
        }
    }

    /**
     * Whether the bulk lane may dispatch now under the full reload's budget; when it may not, a timer dispatches again
     * once it may (the urgent lane goes on meanwhile).
     */
    private boolean paced() {
        long wait = pacer.waitNanos();
        if (wait <= 0) {
            return true;
        }
        if (pacedDispatchTimer < 0 && queued.lane(true).hasNext()) {
            pacedDispatchTimer = vertx.setTimer(
                    TimeUnit.NANOSECONDS.toMillis(wait) + 1,
                    id -> onContext(() -> {
                        pacedDispatchTimer = -1;
                        dispatch();
                    }));
        }
        return false;
    }

    /** Moves up to one batch of readable requests from {@code lane} into {@code batch}, planned as the planner says. */
    private void take(
            Iterator<Map.Entry<UUID, ReadRequest>> lane,
            List<UUID> batch,
            List<ReadRequest> requests,
            List<ReadPlanner.Read> plans) {
        Instant now = Instant.now();
        while (lane.hasNext() && batch.size() < settings.batchSize()) {
            Map.Entry<UUID, ReadRequest> entry = lane.next();
            if (loading.contains(entry.getKey())) {
                continue;
            }
            ReadRequest request = entry.getValue();
            ReadPlanner.Read plan = planner.plan(request.ask(), cache.get(entry.getKey()), now);
            if (plan == ReadPlanner.Read.SKIP) {
                // Queued behind a read that has since brought this version in.
                lane.remove();
                continue;
            }
            boolean alone = plan == ReadPlanner.Read.CHECK_VERSION;
            if (alone && !batch.isEmpty()) {
                // Checked alone, in a read of its own (next round of the dispatch loop).
                continue;
            }
            lane.remove();
            batch.add(entry.getKey());
            requests.add(request);
            plans.add(plan);
            if (alone) {
                break;
            }
        }
        plans.replaceAll(plan -> ReadPlanner.inBatchOf(plan, batch.size()));
    }

    /** Completes {@code done} once every read of {@code all} is done: failed when any of them failed, saying how many. */
    private static void completeAll(List<Future<ReadOutcome>> all, Promise<Void> done) {
        List<ReadOutcome.Failed> failed = all.stream()
                .map(Future::result)
                .filter(ReadOutcome.Failed.class::isInstance)
                .map(ReadOutcome.Failed.class::cast)
                .toList();
        if (failed.isEmpty()) {
            done.tryComplete();
        } else {
            done.tryFail(new ReadFailedException(failed.size() + " of " + all.size() + " reads failed (first: tenant "
                    + failed.get(0).tenant() + ": " + failed.get(0).cause() + ")"));
        }
    }

    private void retry(UUID tenant, ReadRequest failed) {
        enqueue(tenant, failed.cause, failed.forced, failed.bulk, -1, null);
        queued.get(tenant).rewound |= failed.rewound;
        dispatch();
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
