package io.confwatch.model;

import io.confwatch.config.ReloadBudget;
import java.time.Duration;
import java.time.Instant;

/**
 * Where full reloads stand ({@code /status} {@code fullReload}, the {@code confwatch_full_reload_*} metrics).
 *
 * @param budget database time a full reload may take per second
 * @param running the full reload under way, or null
 * @param last the last one that finished, or null
 * @param runs full reloads finished since start
 * @param read tenants read whole by them
 * @param skipped tenants their digests showed unchanged
 * @param databaseTime time their statements took (measured by the worker: statement sent → rows installed)
 */
public record FullReloadStatus(
        ReloadBudget budget,
        Running running,
        Finished last,
        long runs,
        long read,
        long skipped,
        Duration databaseTime) {

    /** A full reload under way: of {@code tenants}, {@code checked} so far, of which {@code read} read whole. */
    public record Running(
            String cause, Instant startedAt, int tenants, int checked, int read, int skipped, Duration databaseTime) {
        /** Share of its tenants checked, 0 to 1. */
        public double progress() {
            return tenants == 0 ? 1 : (double) checked / tenants;
        }
    }

    /** A finished full reload; {@code error} is null when every read succeeded. */
    public record Finished(
            String cause, Instant startedAt, Duration took, int tenants, int read, int skipped, String error) {}

    /** The running full reload's progress (0 to 1); 1 when none runs. */
    public double progress() {
        return running == null ? 1 : running.progress();
    }
}
