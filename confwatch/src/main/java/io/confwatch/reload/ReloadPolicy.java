package io.confwatch.reload;

import io.confwatch.config.Backoff;
import io.confwatch.config.WorkerConfig;
import java.time.Duration;

/**
 * How the coordinator schedules reads, derived from the worker's settings.
 *
 * @param maxConcurrentLoads reads in flight at once, across all tenants (protects the pool)
 * @param batchSize tenants read by one statement when many are queued
 * @param deltaMaxVersions a tenant behind by more versions than this is read whole instead of from the change log
 * @param deltaMaxAge a snapshot loaded longer ago than this is refreshed whole (the log may have been trimmed since)
 * @param retryBackoff delays between retries of a failed read
 * @param maxPending distinct tenants queued at most; beyond it hints are dropped and a sweep catches up
 */
public record ReloadPolicy(
        int maxConcurrentLoads,
        int batchSize,
        int deltaMaxVersions,
        Duration deltaMaxAge,
        Backoff retryBackoff,
        int maxPending) {
    public ReloadPolicy {
        if (maxConcurrentLoads < 1 || batchSize < 1 || maxPending < 1 || deltaMaxVersions < 0) {
            throw new IllegalArgumentException("reload policy values must be positive");
        }
    }

    /** Distinct tenants queued at most before hints are dropped in favour of a sweep. */
    public static final int DEFAULT_MAX_PENDING = 100_000;

    /** The policy {@code config} asks for. */
    public static ReloadPolicy from(WorkerConfig config) {
        return new ReloadPolicy(
                config.pool().maxConcurrentLoads(),
                config.reload().loadBatchSize(),
                config.reload().deltaMaxVersions(),
                // Half the change-log retention: the log surely still covers what changed since the snapshot was read.
                config.retention().changeRetention().dividedBy(2),
                new Backoff(config.reload().retryMinBackoff(), config.reload().retryMaxBackoff()),
                DEFAULT_MAX_PENDING);
    }
}
