package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.ReloadCoordinator.Failure;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tenants are behind the database or failing: versions seen elsewhere (the sweep) that the cache has not caught up
 * with, and reads that failed and are being retried. Written on the coordinator's context; read by {@code /status} and
 * metrics scrapes from other threads, hence concurrent maps.
 */
final class TenantHealth {
    private final ConfigCache cache;
    private final Map<UUID, Long> knownVersions = new ConcurrentHashMap<>();
    private final Map<UUID, Failure> failures = new ConcurrentHashMap<>();

    TenantHealth(ConfigCache cache) {
        this.cache = cache;
    }

    /** Records that the database has {@code tenant} at {@code version} at least. */
    void noteVersion(UUID tenant, long version) {
        knownVersions.merge(tenant, version, Math::max);
    }

    /** A snapshot of {@code tenant} at {@code version} was read: it is not failing, and caught up to that version. */
    void installed(UUID tenant, long version) {
        failures.remove(tenant);
        knownVersions.computeIfPresent(tenant, (t, known) -> known > version ? known : null);
    }

    /** Forgets everything about a tenant the database no longer has. */
    void forget(UUID tenant) {
        knownVersions.remove(tenant);
        failures.remove(tenant);
    }

    /** Records a failed read of {@code tenant}; returns the failure with its attempt count. */
    Failure failed(UUID tenant, Throwable error) {
        Failure previous = failures.get(tenant);
        Failure failure = new Failure(
                tenant,
                previous == null ? 1 : previous.attempts() + 1,
                String.valueOf(error.getMessage()),
                previous == null ? Instant.now() : previous.since());
        failures.put(tenant, failure);
        return failure;
    }

    /** The failure of the last read of {@code tenant}, if it failed. */
    Optional<Failure> failure(UUID tenant) {
        return Optional.ofNullable(failures.get(tenant));
    }

    /** Whether the last read of {@code tenant} failed. */
    boolean isFailing(UUID tenant) {
        return failures.containsKey(tenant);
    }

    /** Tenants whose held version is known to be behind the database, or whose last read failed. */
    int staleTenants() {
        Set<UUID> stale = new HashSet<>(failures.keySet());
        knownVersions.forEach((tenant, version) -> {
            long held = cache.get(tenant).map(TenantSnapshot::version).orElse(-1L);
            if (version > held) {
                stale.add(tenant);
            }
        });
        return stale.size();
    }

    /** Tenants whose last read failed. */
    List<Failure> failures() {
        return List.copyOf(failures.values());
    }
}
