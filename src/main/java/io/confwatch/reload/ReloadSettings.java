package io.confwatch.reload;

import java.time.Duration;

/**
 * How reloads are scheduled.
 *
 * @param maxConcurrentLoads reads in flight at once, across all tenants (protects the pool)
 * @param batchSize tenants read by one statement when many are queued
 * @param deltaMaxVersions a tenant behind by more versions than this is read whole instead of from the change log
 * @param deltaMaxAge a snapshot loaded longer ago than this is refreshed whole (the log may have been trimmed since)
 * @param retryMinBackoff first retry delay after a failed read
 * @param retryMaxBackoff cap of the doubling retry delay
 * @param maxPending distinct tenants queued at most; beyond it hints are dropped and a sweep catches up
 */
public record ReloadSettings(
        int maxConcurrentLoads,
        int batchSize,
        int deltaMaxVersions,
        Duration deltaMaxAge,
        Duration retryMinBackoff,
        Duration retryMaxBackoff,
        int maxPending) {
    public ReloadSettings {
        if (maxConcurrentLoads < 1 || batchSize < 1 || maxPending < 1 || deltaMaxVersions < 0) {
            throw new IllegalArgumentException("reload settings must be positive");
        }
    }
}
