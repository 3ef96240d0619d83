package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One tenant's whole configuration at one {@code config_version}, as read in one database snapshot. Immutable: a
 * reader holding it sees all of it or none of it. {@code invalid} lists the entities not served (see DESIGN §4.4); an
 * entity listed there may still be served in its previous valid form.
 */
public record TenantSnapshot(
        UUID tenant,
        String name,
        String status,
        long version,
        Instant changedAt,
        Instant loadedAt,
        List<Monitor> monitors,
        List<Filter> filters,
        List<Trigger> triggers,
        List<InvalidEntity> invalid) {
    public TenantSnapshot {
        requireNonNull(tenant, "tenant");
        requireNonNull(name, "name");
        requireNonNull(status, "status");
        requireNonNull(changedAt, "changedAt");
        requireNonNull(loadedAt, "loadedAt");
        monitors = List.copyOf(monitors);
        filters = List.copyOf(filters);
        triggers = List.copyOf(triggers);
        invalid = List.copyOf(invalid);
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
    }

    /** How many entities this snapshot serves. */
    public int entityCount() {
        return monitors.size() + filters.size() + triggers.size();
    }

    /** Whether {@code other} serves the same tenant row and entities, ignoring when each was loaded. */
    public boolean sameContentAs(TenantSnapshot other) {
        return tenant.equals(other.tenant)
                && version == other.version
                && name.equals(other.name)
                && status.equals(other.status)
                && monitors.equals(other.monitors)
                && filters.equals(other.filters)
                && triggers.equals(other.triggers)
                && invalid.equals(other.invalid);
    }
}
