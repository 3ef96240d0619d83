package io.confwatch.reload;

import io.confwatch.config.ReloadBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a full reload within its budget of database time per second ({@code CONFWATCH_FULL_RELOAD_BUDGET}): each page's
 * read is timed (statement sent → rows installed: the database's time and the worker's, an upper bound of the
 * database's), and the next page may start only after a pause that brings the page's share of its period down to the
 * budget: a page of {@code d} at budget {@code b} is followed by {@code d × (1 − b) / b} of rest. Waits are Vert.x
 * timers: no thread sleeps, no event loop blocks. Only full-reload pages are paced; hints and sweeps never wait here.
 * Thread-safe (the full reload's pages and the coordinator's bulk reads both report to it).
 */
final class FullReloadPacer {
    /**
     * Longest pause after one page: a single page slowed by something else (a collection, a lock, a statement that timed
     * out) delays the next by at most this, so a full reload always ends.
     */
    static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Vertx vertx;
    private final ReloadBudget budget;
    private long nextAt = System.nanoTime();
    private long spentNanos;
    private long pausedNanos;

    FullReloadPacer(Vertx vertx, ReloadBudget budget) {
        this.vertx = vertx;
        this.budget = budget;
    }

    /** The pause that keeps a page that took {@code spentNanos} within {@code budget}. Pure. */
    static long pauseAfter(long spentNanos, ReloadBudget budget) {
        if (budget.unpaced() || spentNanos <= 0) {
            return 0;
        }
        double pause = spentNanos * (1 - budget.fraction()) / budget.fraction();
        return (long) Math.min(pause, MAX_PAUSE_NANOS);
    }

    /** Records a page's measured time; the next page waits the pause it calls for, counted from now. */
    synchronized void spent(long nanos) {
        long pause = pauseAfter(nanos, budget);
        spentNanos += Math.max(0, nanos);
        pausedNanos += pause;
        nextAt = Math.max(nextAt, System.nanoTime() + pause);
    }

    /** Nanoseconds until the next page may start; 0 when it may start now. */
    synchronized long waitNanos() {
        return Math.max(0, nextAt - System.nanoTime());
    }

    /** Completes (on a Vert.x timer, or at once) when the next page may start. */
    Future<Void> turn() {
        long wait = waitNanos();
        if (wait <= 0) {
            return Future.succeededFuture();
        }
        Promise<Void> ready = Promise.promise();
        vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1), id -> ready.complete());
        return ready.future().compose(v -> turn());
    }

    /** Database time (as measured) spent by full-reload pages so far. */
    synchronized long spentNanos() {
        return spentNanos;
    }

    /** Pauses called for so far. */
    synchronized long pausedNanos() {
        return pausedNanos;
    }

    ReloadBudget budget() {
        return budget;
    }
}
