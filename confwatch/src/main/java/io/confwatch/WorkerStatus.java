package io.confwatch;

import io.confwatch.db.tls.TlsStatus;
import io.confwatch.listen.ListenerStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.reload.FullReloadStatus;
import io.confwatch.reload.ReloadCoordinator;
import java.time.Instant;
import java.util.List;

/**
 * What {@code /status} shows: one consistent-enough picture of the worker, built on demand.
 *
 * @param database TLS of the database connections: sslmode, whether encrypted and what was verified
 * @param listener null in poll mode
 * @param fullReload where full reloads stand: budget, the one running and its progress, the last one finished
 */
public record WorkerStatus(
        String workerId,
        String version,
        String mode,
        String shard,
        boolean ready,
        boolean embeddedDatabase,
        TlsStatus database,
        ListenerStatus listener,
        int tenants,
        int staleTenants,
        Instant lastSweepAt,
        Instant lastFullReloadAt,
        FullReloadStatus fullReload,
        List<ReloadCoordinator.Failure> failingTenants,
        List<InvalidEntity> invalidEntities) {}
