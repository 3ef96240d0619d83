package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

import io.confwatch.cache.ConfigCache;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.metrics.ConfWatchMetrics.SweepKind;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The safety net under the notifications: a versioned sweep (one query of the versions of the tenants changed since the
 * last sweep, through {@link SweepCursor}, and of every tenant's at a longer interval; reload the ones that differ,
 * load new ones, drop deleted ones) and an unconditional full reload, each on its own jittered loop that never dies on
 * an error.
 */
public final class VersionSweeper {
    private static final Logger log = LoggerFactory.getLogger(VersionSweeper.class);
    /** Each wait is up to this fraction shorter than its interval, never longer. */
    private static final double JITTER = 0.20;
    /**
     * Tenants per full-reload page at most: a page is one burst of database work between two pauses, and short bursts
     * are what reads do not feel (500 tenants' digests took 20–40 ms on a quiet 2-core machine; 100 take a fifth).
     */
    static final int FULL_RELOAD_PAGE = 100;

    private final Vertx vertx;
    private final SnapshotLoader loader;
    private final ConfigCache cache;
    private final ReloadCoordinator coordinator;
    private final Predicate<UUID> owns;
    private final Duration fullCompareInterval;
    private final ConfWatchMetrics metrics;
    // Any sweep that completed leaves a sound cursor, whichever finishes last: each read from a sound horizon.
    private volatile SweepCursor cursor;
    private volatile long heldBackXids;
    private volatile boolean cursorRefused;
    private volatile Instant lastSweepAt;
    private volatile Instant lastFullReloadAt;
    private volatile boolean stopped;
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final FullReload fullReload;

    /**
     * A sweeper of the tenants {@code owns} accepts: a full comparison every {@code fullCompareInterval}, full reloads
     * checking {@code fullReloadPageSize} tenants per statement (at most {@link #FULL_RELOAD_PAGE}).
     */
    public VersionSweeper(
            Vertx vertx,
            SnapshotLoader loader,
            ConfigCache cache,
            ReloadCoordinator coordinator,
            Predicate<UUID> owns,
            Duration fullCompareInterval,
            int fullReloadPageSize,
            ConfWatchMetrics metrics) {
        this.fullReload = new FullReload(loader, coordinator, Math.min(fullReloadPageSize, FULL_RELOAD_PAGE));
        this.vertx = vertx;
        this.loader = loader;
        this.cache = cache;
        this.coordinator = coordinator;
        this.owns = owns;
        this.fullCompareInterval = requireNonNull(fullCompareInterval, "fullCompareInterval");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /** Starts both loops: a sweep every {@code sweepInterval}, a forced full reload every {@code fullInterval}. */
    public void start(Duration sweepInterval, Duration fullInterval) {
        loop("versioned sweep", sweepInterval, () -> sweep(ReloadCause.SWEEP).mapEmpty());
        loop("full reload", fullInterval, () -> fullReload(ReloadCause.FULL));
    }

    /** Stops scheduling; a sweep in flight finishes on its own. */
    public void stop() {
        stopped = true;
        fullReload.stop();
        timers.values().forEach(vertx::cancelTimer);
    }

    /**
     * Compares the owned tenants changed since the last sweep (every owned tenant, when a full comparison is due) with
     * the held versions and queues reads for those that differ; drops tenants the database no longer has. Completes with
     * how many tenants were queued once their reads are done; only then does the cursor move on.
     */
    public Future<Integer> sweep(ReloadCause cause) {
        Instant asked = Instant.now();
        SweepCursor from = cursor;
        Optional<SweepHorizon> since = SweepCursor.readFrom(from, asked, fullCompareInterval);
        return read(since)
                .compose(rows -> {
                    if (rows.full() || from.accepts(rows)) {
                        return Future.succeededFuture(rows);
                    }
                    if (rows.logIncomplete() && from.trusts(rows.horizon())) {
                        log.info(
                                "The change log may lack rows at or above the sweep's horizon {} (retention purged"
                                        + " them, or they predate V9): comparing every tenant",
                                Long.toUnsignedString(from.horizon().xmin()));
                        return read(Optional.empty());
                    }
                    log.warn(
                            "The database's history is not the one the sweep cursor followed (server started {}, was {};"
                                    + " horizon {}, was {}): a restore, a failover or a restart. Comparing every"
                                    + " tenant",
                            rows.horizon().server(),
                            from.horizon().server(),
                            Long.toUnsignedString(rows.horizon().xmin()),
                            Long.toUnsignedString(from.horizon().xmin()));
                    return read(Optional.empty());
                })
                .compose(rows -> compare(rows, cause, asked).andThen(done -> {
                    // Only a sweep whose reads all succeeded counts as one (status, the seconds-since metric) and
                    // moves the cursor: a failed read is retried from the same horizon.
                    if (done.succeeded()) {
                        lastSweepAt = Instant.now();
                        cursor = SweepCursor.after(from, rows, asked);
                    }
                }));
    }

    private Future<SweepRows> read(Optional<SweepHorizon> since) {
        return loader.sweepRows(since)
                .recover(error -> {
                    if (since.isEmpty() || !SweepCursor.cannotRead(error)) {
                        return Future.failedFuture(error);
                    }
                    if (!cursorRefused) {
                        cursorRefused = true;
                        log.warn(
                                "The sweep cannot read what changed since its last horizon ({}): apply"
                                        + " sql/V9__change_log_cursor.sql and re-apply sql/roles.sql. Until then every sweep"
                                        + " compares every tenant",
                                error.getMessage());
                    }
                    return loader.sweepRows(Optional.empty());
                })
                .andThen(done -> {
                    if (done.succeeded()) {
                        SweepRows rows = done.result();
                        metrics.sweep(rows.full() ? SweepKind.FULL : SweepKind.CURSOR, rows.rows());
                        heldBackXids = rows.horizon().heldBackXids();
                    }
                });
    }

    /**
     * Acts on what one sweep statement read; completes with how many tenants it queued, once they are read. A full
     * comparison visits every owned tenant (twice: its version, then what is held), a slice at a time.
     */
    private Future<Integer> compare(SweepRows rows, ReloadCause cause, Instant asked) {
        Context context = vertx.getOrCreateContext();
        Set<UUID> present = new HashSet<>(rows.versions().size() * 2);
        List<UUID> differing = new ArrayList<>();
        List<UUID> rewound = new ArrayList<>();
        return Slices.forEach(context, rows.versions(), Slices.SIZE, version -> {
                    if (!owns.test(version.tenant())) {
                        return;
                    }
                    present.add(version.tenant());
                    Optional<TenantSnapshot> snapshot = cache.get(version.tenant());
                    switch (SweepVerdict.of(snapshot, version, asked)) {
                        case CURRENT:
                            return;
                        case BEHIND:
                            differing.add(version.tenant());
                            break;
                        case REWOUND:
                            log.warn(
                                    "Tenant {} is at version {} (changed at {}) in the database but {} (changed at {})"
                                            + " here: the database went back in time (a restore, a failover that lost"
                                            + " commits)? Reading it again",
                                    version.tenant(),
                                    version.version(),
                                    version.changedAt(),
                                    snapshot.get().version(),
                                    snapshot.get().changedAt());
                            rewound.add(version.tenant());
                            break;
                    }
                    coordinator.noteVersion(version.tenant(), version.version());
                })
                .compose(compared -> rows.full()
                        ? dropMissing(context, present, asked)
                        : Future.succeededFuture(dropDeleted(rows.deleted(), asked)))
                .compose(dropped -> Future.join(
                                coordinator.requestAll(differing, cause, false),
                                coordinator.requestRewound(rewound, cause))
                        .map(differing.size() + rewound.size()));
    }

    /**
     * Starts a full reload of every owned tenant (or queues one behind the full reload running): each tenant whose rows'
     * digest is not the one its held snapshot was verified at is read whole, forced, even where the version did not
     * change — which catches writes that bypassed the triggers — paced to the budget ({@link FullReload}). Completes with
     * how many owned tenants it covers; the reads go on in the background.
     */
    public Future<Integer> reloadAll(ReloadCause cause) {
        return listOwned().map(owned -> {
            run(owned, cause);
            return owned.size();
        });
    }

    /**
     * As {@link #reloadAll}, completing when the full reload is done, with its figures: failed when any of its reads
     * failed.
     */
    public Future<FullReloadStatus.Finished> fullReload(ReloadCause cause) {
        return listOwned().compose(owned -> run(owned, cause));
    }

    /** Where full reloads stand. */
    public FullReloadStatus fullReloadStatus() {
        return fullReload.status();
    }

    private Future<List<UUID>> listOwned() {
        Instant asked = Instant.now();
        return loader.versions().compose(versions -> {
            List<UUID> owned = new ArrayList<>(versions.size());
            for (TenantVersion version : versions) {
                if (owns.test(version.tenant())) {
                    owned.add(version.tenant());
                }
            }
            return dropMissing(vertx.getOrCreateContext(), new HashSet<>(owned), asked)
                    .map(owned);
        });
    }

    private Future<FullReloadStatus.Finished> run(List<UUID> owned, ReloadCause cause) {
        return fullReload.run(owned, cause).onSuccess(v -> {
            if (cause == ReloadCause.FULL) {
                lastFullReloadAt = Instant.now();
            }
        });
    }

    /** When the last sweep that read the versions and every read it queued successfully finished, or null. */
    public Instant lastSweepAt() {
        return lastSweepAt;
    }

    /**
     * Transaction ids between the last sweep's horizon and the next id to be assigned: how far the oldest running
     * transaction holds the cursor back (a cursor sweep reads every tenant bumped since).
     */
    public long heldBackXids() {
        return heldBackXids;
    }

    /** When the last full reload whose every read succeeded finished, or null. */
    public Instant lastFullReloadAt() {
        return lastFullReloadAt;
    }

    /**
     * Runs {@code body} every {@code interval} counted from one start to the next, never two at once: a run that takes
     * longer than its wait is followed by the next after a tenth of the interval. Never waits longer than the interval,
     * so poll mode sees a change within one interval plus one load.
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
                            name, interval, body, nextDelay(interval, (System.nanoTime() - started) / 1_000_000)));
        });
        timers.put(name, timer);
    }

    /** Drops held tenants a cursor read (from {@code asked} on) found deleted, except those loaded since. */
    private Void dropDeleted(List<UUID> deleted, Instant asked) {
        for (UUID tenant : deleted) {
            cache.get(tenant)
                    .filter(snapshot -> !readSince(snapshot, asked))
                    .ifPresent(snapshot -> coordinator.forget(tenant));
        }
        return null;
    }

    /** Drops held tenants the versions (read from {@code asked} on) did not list, except those loaded since. */
    private Future<Void> dropMissing(Context context, Set<UUID> present, Instant asked) {
        return Slices.forEach(context, List.copyOf(cache.all()), Slices.SIZE, snapshot -> {
            // A tenant created while the versions were read is missing from them but was loaded from a newer read.
            if (!present.contains(snapshot.tenant()) && !readSince(snapshot, asked)) {
                coordinator.forget(snapshot.tenant());
            }
        });
    }

    /** Whether {@code snapshot} was installed after {@code asked}, so read from a database at least as new. */
    private static boolean readSince(TenantSnapshot snapshot, Instant asked) {
        return snapshot.loadedAt().isAfter(asked);
    }

    /**
     * The wait before the next run, given how long this one took: counted from when it started, and at least a tenth of
     * the interval, so runs that take longer than their interval (a slow database) do not follow one another without a
     * pause.
     */
    static long nextDelay(Duration interval, long tookMillis) {
        return Math.max(jittered(interval) - tookMillis, Math.max(1, interval.toMillis() / 10));
    }

    /** A wait of {@code interval} less up to {@link #JITTER} of it, so pods drift apart without ever waiting longer. */
    static long jittered(Duration interval) {
        long millis = Math.max(1, interval.toMillis());
        long spread = (long) (millis * JITTER);
        return Math.max(1, millis - ThreadLocalRandom.current().nextLong(spread + 1));
    }
}
