package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net under the notifications: a versioned sweep (one query of every tenant's version; reload the ones that
 * differ, load new ones, drop deleted ones) and an unconditional full reload, each on its own jittered loop that never
 * dies on an error.
 */
public final class VersionSweeper {
    private static final Logger log = LoggerFactory.getLogger(VersionSweeper.class);
    /** Each wait is up to this fraction shorter than its interval, never longer. */
    private static final double JITTER = 0.20;

    private final Vertx vertx;
    private final SnapshotLoader loader;
    private final ConfigCache cache;
    private final ReloadCoordinator coordinator;
    private final Predicate<UUID> owns;
    private volatile Instant lastSweepAt;
    private volatile Instant lastFullReloadAt;
    private volatile boolean stopped;
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final int pageSize;
    // Per tenant, the rows' digest a full reload last read it whole at, and the version it then held. Full reloads
    // may run from the timer and from ConfWatch.reloadAll() at once, on different contexts.
    private final Map<UUID, Verified> verified = new ConcurrentHashMap<>();

    /** A tenant read whole when its rows had {@code digest}, which left it at {@code version}. */
    private record Verified(String digest, long version) {}

    public VersionSweeper(
            Vertx vertx,
            SnapshotLoader loader,
            ConfigCache cache,
            ReloadCoordinator coordinator,
            Predicate<UUID> owns,
            int pageSize) {
        this.pageSize = pageSize;
        this.vertx = vertx;
        this.loader = loader;
        this.cache = cache;
        this.coordinator = coordinator;
        this.owns = owns;
    }

    /** Starts both loops: a sweep every {@code sweepInterval}, a forced full reload every {@code fullInterval}. */
    public void start(Duration sweepInterval, Duration fullInterval) {
        loop("versioned sweep", sweepInterval, () -> sweep(ReloadCause.SWEEP).mapEmpty());
        loop("full reload", fullInterval, () -> reloadAll(ReloadCause.FULL));
    }

    /** Stops scheduling; a sweep in flight finishes on its own. */
    public void stop() {
        stopped = true;
        timers.values().forEach(vertx::cancelTimer);
    }

    /**
     * Compares every owned tenant's database version with the held one and queues reads for those that differ; drops
     * tenants the database no longer has. Completes with how many tenants were queued once their reads are done.
     */
    public Future<Integer> sweep(ReloadCause cause) {
        Instant asked = Instant.now();
        return loader.versions().compose(versions -> {
            Set<UUID> present = new HashSet<>(versions.size() * 2);
            List<UUID> differing = new ArrayList<>();
            for (TenantVersion version : versions) {
                if (!owns.test(version.tenant())) {
                    continue;
                }
                present.add(version.tenant());
                Optional<TenantSnapshot> snapshot = cache.get(version.tenant());
                long held = snapshot.map(TenantSnapshot::version).orElse(-1L);
                if (held == version.version()) {
                    continue;
                }
                if (held > version.version() && readSince(snapshot.get(), asked)) {
                    // A hint's load finished while the versions were read: it saw a newer database, not a restore.
                    continue;
                }
                if (held > version.version()) {
                    // Versions only grow, unless the database was restored from a backup: believe the database.
                    log.warn(
                            "Tenant {} is at version {} in the database but {} here; the database was restored? "
                                    + "Reloading it",
                            version.tenant(),
                            version.version(),
                            held);
                    coordinator.forget(version.tenant());
                }
                coordinator.noteVersion(version.tenant(), version.version());
                differing.add(version.tenant());
            }
            dropMissing(present, asked);
            lastSweepAt = Instant.now();
            return coordinator.requestAll(differing, cause, false).map(differing.size());
        });
    }

    /**
     * Reads whole, forced, every owned tenant whose rows were written since a full reload last read it: a digest of
     * each owned tenant's row versions (xmin; one statement per page of tenants) tells, so writes that bypassed the
     * triggers are caught while an unchanged tenant costs no rows shipped, decoded or compared. A tenant never read
     * this way, or whose held version moved since, is read. Completes with how many tenants were queued; the reads go
     * on in the background.
     */
    public Future<Integer> reloadAll(ReloadCause cause) {
        Instant asked = Instant.now();
        return loader.versions()
                .compose(versions -> {
                    List<UUID> owned = new ArrayList<>(versions.size());
                    for (TenantVersion version : versions) {
                        if (owns.test(version.tenant())) {
                            owned.add(version.tenant());
                        }
                    }
                    Set<UUID> present = new HashSet<>(owned);
                    verified.keySet().retainAll(present);
                    dropMissing(present, asked);
                    return digests(owned, 0, new HashMap<>());
                })
                .map(digests -> {
                    List<UUID> changed = new ArrayList<>();
                    digests.forEach((tenant, digest) -> {
                        if (!unchangedSinceVerified(tenant, digest)) {
                            changed.add(tenant);
                        }
                    });
                    coordinator.requestAll(changed, cause, true).onSuccess(v -> {
                        Set<UUID> failing = new HashSet<>();
                        coordinator.failures().forEach(f -> failing.add(f.tenant()));
                        for (UUID tenant : changed) {
                            Optional<TenantSnapshot> held = cache.get(tenant);
                            if (held.isPresent() && !failing.contains(tenant)) {
                                // The digest was taken before the read: if the rows moved on in between, the next full
                                // reload sees a different digest and reads again.
                                verified.put(
                                        tenant,
                                        new Verified(
                                                digests.get(tenant), held.get().version()));
                            }
                        }
                        if (cause == ReloadCause.FULL) {
                            lastFullReloadAt = Instant.now();
                        }
                    });
                    return changed.size();
                });
    }

    private boolean unchangedSinceVerified(UUID tenant, String digest) {
        Verified last = verified.get(tenant);
        Optional<TenantSnapshot> held = cache.get(tenant);
        return last != null
                && last.digest().equals(digest)
                && held.isPresent()
                && held.get().version() == last.version();
    }

    /** The digests of {@code tenants} from index {@code from} on, a page per statement, added to {@code into}. */
    private Future<Map<UUID, String>> digests(List<UUID> tenants, int from, Map<UUID, String> into) {
        if (from >= tenants.size()) {
            return Future.succeededFuture(into);
        }
        int to = Math.min(tenants.size(), from + pageSize);
        return loader.digests(tenants.subList(from, to)).compose(page -> {
            into.putAll(page);
            return digests(tenants, to, into);
        });
    }

    /** When the last sweep read the versions successfully, or null. */
    public Instant lastSweepAt() {
        return lastSweepAt;
    }

    /** When the last full reload finished, or null. */
    public Instant lastFullReloadAt() {
        return lastFullReloadAt;
    }

    /**
     * Runs {@code body} every {@code interval} counted from one start to the next, never two at once: a run that takes
     * longer than its wait is followed by the next at once. Never waits longer than the interval, so poll mode sees a
     * change within one interval plus one load.
     */
    private void loop(String name, Duration interval, Supplier<Future<?>> body) {
        schedule(name, interval, body, jittered(interval));
    }

    private void schedule(String name, Duration interval, Supplier<Future<?>> body, long delayMillis) {
        if (stopped) {
            return;
        }
        long timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
            long started = System.nanoTime();
            Future<?> run;
            try {
                run = body.get();
            } catch (RuntimeException e) {
                run = Future.failedFuture(e);
            }
            run.onFailure(e -> log.warn("The {} failed; the next one is scheduled: {}", name, e.toString()))
                    .onComplete(ar -> schedule(
                            name, interval, body, jittered(interval) - (System.nanoTime() - started) / 1_000_000));
        });
        timers.put(name, timer);
    }

    /** Drops held tenants the versions (read from {@code asked} on) did not list, except those loaded since. */
    private void dropMissing(Set<UUID> present, Instant asked) {
        for (TenantSnapshot snapshot : cache.all()) {
            // A tenant created while the versions were read is missing from them but was loaded from a newer read.
            if (!present.contains(snapshot.tenant()) && !readSince(snapshot, asked)) {
                coordinator.forget(snapshot.tenant());
            }
        }
    }

    /** Whether {@code snapshot} was installed after {@code asked}, so read from a database at least as new. */
    private static boolean readSince(TenantSnapshot snapshot, Instant asked) {
        return snapshot.loadedAt().isAfter(asked);
    }

    /** A wait of {@code interval} less up to {@link #JITTER} of it, so pods drift apart without ever waiting longer. */
    static long jittered(Duration interval) {
        long millis = Math.max(1, interval.toMillis());
        long spread = (long) (millis * JITTER);
        return Math.max(1, millis - ThreadLocalRandom.current().nextLong(spread + 1));
    }
}
