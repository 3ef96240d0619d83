package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/** A tenant's snapshot was installed, replaced or removed; {@code previous}/{@code current} are empty where none. */
public record TenantChange(UUID tenant, Optional<TenantSnapshot> previous, Optional<TenantSnapshot> current) {
    /** Requires every component. */
    public TenantChange {
        requireNonNull(tenant, "tenant");
        requireNonNull(previous, "previous");
        requireNonNull(current, "current");
    }

    /** Whether the tenant is gone from the cache (deleted, or no longer owned by this worker). */
    public boolean isRemoval() {
        return current.isEmpty();
    }
}
