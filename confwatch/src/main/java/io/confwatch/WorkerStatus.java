package io.confwatch;

import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.ListenerStatus;
import io.confwatch.model.TlsStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What {@code /status} shows: one consistent-enough picture of the worker, built on demand.
 *
 * @param workerId this worker's id ({@code CONFWATCH_WORKER_ID})
 * @param version the ConfWatch version
 * @param mode {@code listen} or {@code poll}
 * @param shard the shard this worker owns, e.g. {@code 0/1}
 * @param ready whether the initial load is done and the worker is not shutting down
 * @param embeddedDatabase whether the database is an embedded one this worker started
 * @param database TLS of the database connections: sslmode, whether encrypted and what was verified
 * @param listener null in poll mode
 * @param tenants how many tenants are held
 * @param staleTenants how many held tenants are known to be behind the database
 * @param lastSweepAt when the last version sweep finished; null before the first
 * @param lastFullReloadAt when the last full reload finished; null before the first
 * @param fullReload where full reloads stand: budget, the one running and its progress, the last one finished
 * @param failingTenants the tenants whose reads fail and are being retried
 * @param invalidEntities the entities not served because they are invalid (their last good version is)
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
        List<FailingTenant> failingTenants,
        List<InvalidEntity> invalidEntities) {

    /**
     * A tenant whose read failed and is being retried; its last good snapshot is still served.
     *
     * @param tenant the tenant
     * @param attempts how many reads in a row failed
     * @param error the last error, one line
     * @param since when the first of those reads failed
     */
    public record FailingTenant(UUID tenant, int attempts, String error, Instant since) {}
}
