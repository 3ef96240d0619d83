package io.confwatch;

import io.confwatch.listen.ListenerStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.reload.ReloadCoordinator;
import java.time.Instant;
import java.util.List;

/**
 * What {@code /status} shows: one consistent-enough picture of the worker, built on demand.
 *
 * @param listener null in poll mode
 */
public record WorkerStatus(
        String workerId,
        String version,
        String mode,
        String shard,
        boolean ready,
        boolean embeddedDatabase,
        ListenerStatus listener,
        int tenants,
        int staleTenants,
        Instant lastSweepAt,
        Instant lastFullReloadAt,
        List<ReloadCoordinator.Failure> failingTenants,
        List<InvalidEntity> invalidEntities) {}
