package io.confwatch.reload;

import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.ReadFailedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs full reloads page by page, paced and digest-gated. Each page of owned tenants is one digest statement (each
 * tenant's digest computed in SQL, no rows shipped) and forced whole reads of the tenants whose digest is not the one
 * their held snapshot was verified at; every statement is timed and the next waits for the budget
 * ({@link FullReloadPacer}). Hints and sweeps do not wait for it: its reads go through the coordinator's bulk lane. One
 * full reload runs at a time; asking for one while one runs queues one more after it (asking again joins that one).
 * Thread-safe.
 */
public final class FullReload {
    private static final Logger log = LoggerFactory.getLogger(FullReload.class);

    private final SnapshotLoader loader;
    private final ReloadCoordinator coordinator;
    private final FullReloadPacer pacer;
    private final int pageSize;
    private Run current;
    private Run next;
    private boolean stopped;
    private FullReloadStatus.Finished last;
    private long runs;
    private long totalRead;
    private long totalSkipped;

    /** A full reload: the tenants it covers (in id order), and how far it got. Guarded by the outer instance. */
    private static final class Run {
        final Promise<FullReloadStatus.Finished> done = Promise.promise();
        List<UUID> tenants;
        final ReloadCause cause;
        Instant startedAt;
        long startedNanos;
        long spentAtStart;
        int checked;
        int read;
        int skipped;
        int failed;

        Run(List<UUID> tenants, ReloadCause cause) {
            this.tenants = List.copyOf(tenants);
            this.cause = cause;
        }
    }

    FullReload(SnapshotLoader loader, ReloadCoordinator coordinator, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.loader = loader;
        this.coordinator = coordinator;
        this.pacer = coordinator.pacer();
        this.pageSize = pageSize;
    }

    /**
     * Starts a full reload of {@code tenants} (the owned ones, in the database now), or queues it behind the one running;
     * completes when it is done, failed when any of its reads failed.
     */
    Future<FullReloadStatus.Finished> run(List<UUID> tenants, ReloadCause cause) {
        Run run;
        boolean begin = false;
        synchronized (this) {
            if (stopped) {
                return Future.failedFuture(new IllegalStateException("the worker is shutting down"));
            }
            if (current == null) {
                current = new Run(tenants, cause);
                run = current;
                begin = true;
            } else if (next == null) {
                next = new Run(tenants, cause);
                run = next;
            } else {
                // Joins the one already waiting, with the newer list of tenants.
                next.tenants = List.copyOf(tenants);
                run = next;
            }
        }
        if (begin) {
            begin(run);
        }
        return run.done.future();
    }

    /** Stops paging: the running full reload ends failed after its current page; none queued starts. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    /** Where full reloads stand, for {@code /status} and the metrics. */
    public synchronized FullReloadStatus status() {
        FullReloadStatus.Running running = null;
        if (current != null && current.startedAt != null) {
            running = new FullReloadStatus.Running(
                    current.cause.label(),
                    current.startedAt,
                    current.tenants.size(),
                    current.checked,
                    current.read,
                    current.skipped,
                    Duration.ofNanos(pacer.spentNanos() - current.spentAtStart));
        }
        return new FullReloadStatus(
                pacer.budget(), running, last, runs, totalRead, totalSkipped, Duration.ofNanos(pacer.spentNanos()));
    }

    private void begin(Run run) {
        synchronized (this) {
            run.startedAt = Instant.now();
            run.startedNanos = System.nanoTime();
            run.spentAtStart = pacer.spentNanos();
        }
        page(run, 0);
    }

    private void page(Run run, int from) {
        List<UUID> page;
        boolean halt;
        synchronized (this) {
            halt = stopped;
            page = run.tenants.subList(
                    Math.min(from, run.tenants.size()), Math.min(run.tenants.size(), from + pageSize));
        }
        if (halt || page.isEmpty()) {
            finish(run, halt ? "the worker shut down before it was done" : null);
            return;
        }
        int to = from + page.size();
        pacer.turn()
                .compose(v -> isStopped()
                        ? Future.failedFuture(new IllegalStateException("the worker is shutting down"))
                        : digests(page))
                .compose(digests -> coordinator.requestChanged(page, digests, run.cause))
                .onComplete(ar -> {
                    synchronized (this) {
                        run.checked += page.size();
                        if (ar.succeeded()) {
                            run.read += ar.result().read();
                            run.skipped += ar.result().skipped();
                            run.failed += ar.result().failed();
                        } else {
                            run.failed += page.size();
                        }
                    }
                    page(run, to);
                });
    }

    /**
     * The page's digests now, timed against the budget; empty when the statement failed (then every tenant of the
     * page is read whole, as a full reload without digests would).
     */
    private Future<Map<UUID, TenantDigest>> digests(List<UUID> page) {
        long started = System.nanoTime();
        return loader.digests(page)
                .andThen(ar -> pacer.spent(System.nanoTime() - started))
                .recover(error -> {
                    log.warn(
                            "Full reload: the digests of {} tenants could not be read ({}); reading them whole",
                            page.size(),
                            error.toString());
                    return Future.succeededFuture(Map.of());
                });
    }

    private void finish(Run run, String stoppedBecause) {
        Duration took = Duration.ofNanos(System.nanoTime() - run.startedNanos);
        String error = stoppedBecause != null
                ? stoppedBecause
                : run.failed > 0 ? run.failed + " of " + run.read + " reads failed" : null;
        Run following;
        FullReloadStatus.Finished finished = new FullReloadStatus.Finished(
                run.cause.label(), run.startedAt, took, run.tenants.size(), run.read, run.skipped, error);
        synchronized (this) {
            runs++;
            totalRead += run.read;
            totalSkipped += run.skipped;
            last = finished;
            current = stopped ? null : next;
            following = current;
            next = null;
        }
        log.debug(
                "Full reload ({}) of {} tenants in {} ms: {} read whole, {} unchanged by digest{}",
                run.cause.label(),
                run.tenants.size(),
                took.toMillis(),
                run.read,
                run.skipped,
                error == null ? "" : "; " + error);
        if (error == null) {
            run.done.complete(finished);
        } else {
            run.done.fail(new ReadFailedException("full reload: " + error));
        }
        if (following != null) {
            begin(following);
        }
    }
}
