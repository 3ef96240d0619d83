package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.cache.ConfigCache.Replace;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCoordinator.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reads the coordinator decided on: a version check, a delta or a whole read (one statement each), then
 * installs, drops or records the failure and schedules its retry. Decides each tenant's {@link ReadOutcome} (and counts
 * it in {@code confwatch_reloads_total}). Never fails: a failed read keeps the last good snapshot and ends
 * {@link ReadOutcome.Failed}. Runs on the coordinator's context.
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
    // Which held snapshots a start-up page or a forced whole read verified, at which digest: what a full reload may
    // skip.
    private final DigestGate verified = new DigestGate();

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

    /**
     * Reads every owned tenant whole, page by page (in id order, or slot by slot when the database filters by slot),
     * installing owned ones; completes with how many are held. In id order the next page is read while this one is
     * assembled and installed, so the database's work and ours overlap.
     */
    Future<Integer> loadAll(ReloadCause cause) {
        Promise<Integer> done = Promise.promise();
        Optional<int[]> slots = loader.ownedSlots();
        if (slots.isPresent()) {
            loadSlots(new SlotChunks(slots.get(), settings.batchSize()), 0, cause, done, 0);
        } else {
            UUID first = new UUID(0, 0);
            onPage(readPage(first), first, cause, done, 0);
        }
        return done.future();
    }

    private void loadSlots(SlotChunks chunks, int inLast, ReloadCause cause, Promise<Integer> done, int loaded) {
        if (!chunks.hasNext()) {
            done.complete(loaded);
            return;
        }
        long started = System.nanoTime();
        long generation = cache.generation();
        loader.loadSlots(chunks.next(inLast))
                .compose(wholes -> {
                    metrics.reloadDuration(System.nanoTime() - started);
                    return installOwned(wholes, cause, generation).map(owned -> {
                        loadSlots(chunks, wholes.size(), cause, done, loaded + owned);
                        return owned;
                    });
                })
                .onFailure(done::fail);
    }

    /**
     * Installs the owned tenants of one start-up page (if newer), recording each one's digest when what is held
     * afterwards is what its rows make (so the first full reload after a start reads nothing whole that did not change);
     * completes with how many it held. The digests, and the snapshots of tenants not held yet (at start-up: all of
     * them), are made on a worker thread — validating every definition is most of a start-up's work, and meanwhile the
     * event loop decodes the next page's rows — and installed here, on the context. A tenant installed meanwhile (a
     * hint's read) is assembled again here against what is held, as any read.
     */
    Future<Integer> installOwned(Map<UUID, TenantRows.Whole> wholes, ReloadCause cause, long generation) {
        Instant now = Instant.now();
        List<TenantRows.Whole> owned = new ArrayList<>(wholes.size());
        Set<UUID> unheld = new HashSet<>();
        for (TenantRows.Whole rows : wholes.values()) {
            if (owns.test(rows.tenant().id())) {
                owned.add(rows);
                if (cache.get(rows.tenant().id()).isEmpty()) {
                    unheld.add(rows.tenant().id());
                }
            }
        }
        if (owned.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return vertx.getOrCreateContext()
                .executeBlocking(() -> assemble(owned, unheld, now), /* ordered= */ false)
                .compose(assembled -> {
                    List<Future<ReadOutcome>> installs = new ArrayList<>(owned.size());
                    for (TenantRows.Whole rows : owned) {
                        Assembled made = assembled.get(rows.tenant().id());
                        installs.add(
                                made.snapshot() != null
                                                && cache.get(rows.tenant().id()).isEmpty()
                                        ? install(
                                                made::snapshot,
                                                rows.tenant().server(),
                                                cause,
                                                Replace.IF_NEWER,
                                                generation,
                                                made.digest())
                                        : install(rows, now, cause, Replace.IF_NEWER, generation, made.digest()));
                    }
                    return Future.all(installs).map(all -> owned.size());
                });
    }

    /** A start-up page's tenant as made off the context: its digest, and its snapshot when nothing was held. */
    private record Assembled(TenantSnapshot snapshot, TenantDigest digest) {}

    /** Digests, and snapshots of the {@code unheld} tenants: pure functions of their rows, so it may run on any thread. */
    private static Map<UUID, Assembled> assemble(List<TenantRows.Whole> owned, Set<UUID> unheld, Instant now) {
        Map<UUID, Assembled> assembled = new HashMap<>(owned.size() * 2);
        for (TenantRows.Whole rows : owned) {
            UUID tenant = rows.tenant().id();
            assembled.put(
                    tenant,
                    new Assembled(
                            unheld.contains(tenant) ? SnapshotAssembler.whole(rows, Optional.empty(), now) : null,
                            rows.digest()));
        }
        return assembled;
    }

    /** One page's read in flight, with what was true when it was sent. */
    private record PageRead(Future<Map<UUID, TenantRows.Whole>> rows, long generation, long startedNanos) {}

    private PageRead readPage(UUID after) {
        long generation = cache.generation();
        long started = System.nanoTime();
        return new PageRead(loader.loadPage(after, settings.batchSize()), generation, started);
    }

    private void onPage(PageRead page, UUID after, ReloadCause cause, Promise<Integer> done, int loaded) {
        page.rows()
                .onSuccess(wholes -> {
                    metrics.reloadDuration(System.nanoTime() - page.startedNanos());
                    UUID last = after;
                    for (UUID tenant : wholes.keySet()) {
                        last = TenantIds.max(last, tenant);
                    }
                    boolean more = wholes.size() >= settings.batchSize();
                    PageRead next = more ? readPage(last) : null;
                    UUID nextAfter = last;
                    installOwned(wholes, cause, page.generation())
                            .onSuccess(owned -> {
                                if (next == null) {
                                    done.complete(loaded + owned);
                                } else {
                                    onPage(next, nextAfter, cause, done, loaded + owned);
                                }
                            })
                            .onFailure(done::fail);
                })
                .onFailure(done::fail);
    }

    /**
     * Carries out the plans for {@code batch} ({@code requests[i]} asked for {@code batch[i]}, planned as
     * {@code plans[i]}); a batch of several tenants is read whole in one statement. Completes (never fails) with each
     * tenant's outcome.
     */
    Future<Map<UUID, ReadOutcome>> read(List<UUID> batch, List<ReadRequest> requests, List<ReadPlanner.Read> plans) {
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
                    return Future.succeededFuture(Map.of(tenant, ReadOutcomes.held(tenant, held)));
                case WHOLE:
                    break;
            }
        }
        return readWhole(batch, requests, generation);
    }

    /**
     * Whether a full reload may skip {@code tenant}: its digest in the database now ({@code null} when unknown) is the one
     * the held snapshot was verified at by a forced whole read ({@link DigestGate}).
     */
    boolean unchangedSinceVerified(UUID tenant, TenantDigest now) {
        return verified.unchanged(tenant, now, cache.get(tenant));
    }

    /** Forgets a tenant the database no longer has (as the sweep found): drops its snapshot. */
    void forget(UUID tenant) {
        verified.forget(tenant);
        health.forget(tenant);
        servers.remove(tenant);
        cache.remove(tenant);
    }

    private Future<Map<UUID, ReadOutcome>> checkThenRead(TenantSnapshot held, ReadRequest request, long generation) {
        UUID tenant = held.tenant();
        return loader.version(tenant)
                .compose(version -> {
                    switch (ReadPlanner.afterCheck(held, version)) {
                        case GONE:
                            return Future.succeededFuture(Map.of(tenant, gone(tenant, request.cause)));
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
                    return Future.succeededFuture(Map.of(tenant, ReadOutcomes.held(tenant, cache.get(tenant))));
                })
                .recover(error -> Future.succeededFuture(Map.of(tenant, failed(tenant, request, error))));
    }

    private Future<Map<UUID, ReadOutcome>> readWhole(List<UUID> batch, List<ReadRequest> requests, long generation) {
        Map<UUID, ReadRequest> byTenant = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byTenant.put(batch.get(i), requests.get(i));
        }
        // Every whole read returns its rows' digest; only a forced one (a full reload's) records it.
        Future<Map<UUID, TenantRows.Whole>> read = loader.load(batch);
        return read.compose(wholes -> {
                    Instant now = Instant.now();
                    Map<UUID, Future<ReadOutcome>> outcomes = new LinkedHashMap<>();
                    byTenant.forEach((tenant, request) -> {
                        TenantRows.Whole rows = wholes.get(tenant);
                        outcomes.put(
                                tenant,
                                rows == null
                                        ? Future.succeededFuture(gone(tenant, request.cause))
                                        : install(
                                                rows,
                                                now,
                                                request.cause,
                                                ReadPlanner.replaceFor(request.ask()),
                                                generation,
                                                request.forced ? rows.digest() : null));
                    });
                    return Future.all(List.copyOf(outcomes.values())).map(all -> {
                        Map<UUID, ReadOutcome> done = new LinkedHashMap<>();
                        outcomes.forEach((tenant, outcome) -> done.put(tenant, outcome.result()));
                        return done;
                    });
                })
                .recover(error -> {
                    Map<UUID, ReadOutcome> outcomes = new LinkedHashMap<>();
                    byTenant.forEach((tenant, request) -> outcomes.put(tenant, failed(tenant, request, error)));
                    return Future.succeededFuture(outcomes);
                });
    }

    private Future<Map<UUID, ReadOutcome>> readDelta(TenantSnapshot held, ReloadCause cause, long generation) {
        ReadRequest request = new ReadRequest(cause);
        UUID tenant = held.tenant();
        return loader.loadDelta(tenant, held.version())
                .compose(delta -> {
                    ReadPlanner.AfterDelta next = planner.afterDelta(held, delta.facts(servers.get(tenant)));
                    if (next == ReadPlanner.AfterDelta.GONE) {
                        return Future.succeededFuture(gone(tenant, cause));
                    }
                    if (next == ReadPlanner.AfterDelta.WHOLE) {
                        return loader.load(List.of(tenant)).compose(wholes -> {
                            TenantRows.Whole rows = wholes.get(tenant);
                            return rows == null
                                    ? Future.succeededFuture(gone(tenant, cause))
                                    : install(
                                            rows,
                                            Instant.now(),
                                            cause,
                                            ReadPlanner.replaceAfterDelta(),
                                            generation,
                                            null);
                        });
                    }
                    Instant now = Instant.now();
                    return install(
                            () -> SnapshotAssembler.patch(held, delta, now),
                            delta.tenant().server(),
                            cause,
                            Replace.IF_NEWER,
                            generation,
                            null);
                })
                .recover(error -> Future.succeededFuture(failed(tenant, request, error)))
                .map(outcome -> Map.of(tenant, outcome));
    }

    /** {@code digest}: the rows' digest when the read records it (a start-up page, a forced whole read), else null. */
    private Future<ReadOutcome> install(
            TenantRows.Whole rows,
            Instant now,
            ReloadCause cause,
            Replace replace,
            long generation,
            TenantDigest digest) {
        return install(
                () -> SnapshotAssembler.whole(rows, cache.get(rows.tenant().id()), now),
                rows.tenant().server(),
                cause,
                replace,
                generation,
                digest);
    }

    /**
     * Installs what {@code assemble} makes (on the context, against what is held then). The application's definition
     * types and validators never run on the event loop: when the cache has any, the snapshot is decoded on a worker
     * thread against the snapshot held at that moment and installed back on the context only if that snapshot is still
     * the one held — otherwise (another read installed meanwhile) it is assembled and decoded again.
     */
    private Future<ReadOutcome> install(
            Supplier<TenantSnapshot> assemble,
            String server,
            ReloadCause cause,
            Replace replace,
            long generation,
            TenantDigest digest) {
        TenantSnapshot snapshot = assemble.get();
        if (!cache.decodes()) {
            long before = heldVersion(snapshot.tenant());
            ConfigCache.Outcome installed = cache.install(snapshot, replace, generation);
            return Future.succeededFuture(installed(snapshot, server, cause, before, installed, digest));
        }
        return vertx.getOrCreateContext()
                .executeBlocking(() -> cache.decode(snapshot), /* ordered= */ false)
                .compose(decoded -> {
                    long before = heldVersion(snapshot.tenant());
                    return cache.install(decoded, replace, generation)
                            .map(installed -> Future.succeededFuture(
                                    installed(snapshot, server, cause, before, installed, digest)))
                            .orElseGet(() -> install(assemble, server, cause, replace, generation, digest));
                });
    }

    private long heldVersion(UUID tenant) {
        return cache.get(tenant).map(TenantSnapshot::version).orElse(-1L);
    }

    /** The bookkeeping after {@code snapshot} (as read, before decoding) was offered to the cache: {@code installed}. */
    private ReadOutcome installed(
            TenantSnapshot snapshot,
            String server,
            ReloadCause cause,
            long before,
            ConfigCache.Outcome installed,
            TenantDigest digest) {
        UUID tenant = snapshot.tenant();
        ReadOutcome outcome = counted(cause, ReadOutcomes.ofInstall(installed, tenant, cache.get(tenant)));
        verify(tenant, snapshot, installed, digest);
        if (installed == ConfigCache.Outcome.DROPPED_SINCE) {
            log.debug("Tenant {} was dropped while it was read; the older read is not installed", tenant);
            return outcome;
        }
        health.installed(tenant, snapshot.version());
        if (installed == ConfigCache.Outcome.KEPT) {
            if (cache.get(tenant).filter(held -> held.sameContentAs(snapshot)).isPresent()) {
                // The held snapshot is what this server holds too: deltas from it are sound on this server.
                servers.put(tenant, server);
            }
            return outcome;
        }
        servers.put(tenant, server);
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
        return outcome;
    }

    /**
     * Keeps the digest gate true after an install: a recording whole read ({@code digest} non-null) that installed, or found
     * the held snapshot equal to what its rows make, records the digest for the snapshot held now; any other install
     * that changed the held snapshot forgets it. Nothing is recorded for a read that failed or was refused.
     */
    private void verify(UUID tenant, TenantSnapshot read, ConfigCache.Outcome installed, TenantDigest digest) {
        Optional<TenantSnapshot> held = cache.get(tenant);
        boolean heldIsRead = held.isPresent()
                && held.get().sameContentAs(read)
                && held.get().changedAt().equals(read.changedAt());
        switch (DigestGate.after(installed, digest != null, heldIsRead)) {
            case RECORD -> verified.record(tenant, digest, held.orElseThrow());
            case FORGET -> verified.forget(tenant);
            case KEEP -> {}
        }
    }

    private ReadOutcome gone(UUID tenant, ReloadCause cause) {
        verified.forget(tenant);
        health.forget(tenant);
        servers.remove(tenant);
        if (cache.remove(tenant)) {
            log.info("Tenant {} was deleted; its snapshot is dropped", tenant);
        } else {
            metrics.unknownTenant();
        }
        return counted(cause, new ReadOutcome.Gone(tenant));
    }

    private ReadOutcome failed(UUID tenant, ReadRequest request, Throwable error) {
        ReadOutcome outcome = counted(request.cause, ReadOutcomes.failed(tenant, error));
        if (draining.getAsBoolean()) {
            log.debug("Reading tenant {} ended by shutdown: {}", tenant, error.toString());
            return outcome;
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
        return outcome;
    }

    /** Counts {@code outcome} in {@code confwatch_reloads_total}: the one place its {@code outcome} label is chosen. */
    private ReadOutcome counted(ReloadCause cause, ReadOutcome outcome) {
        metrics.reload(cause.label(), ReadOutcomes.metric(outcome));
        return outcome;
    }
}
