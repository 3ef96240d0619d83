package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One tenant's whole configuration at one {@code config_version}, as read in one database snapshot. Immutable: a
 * reader holding it sees all of it or none of it. {@code invalid} lists the entities not served (see DESIGN §4.4); an
 * entity listed there may still be served in its previous valid form. {@code typed} holds, by entity id, each served
 * definition decoded into the application's type for its kind (see {@link Definitions}); empty without types.
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
        List<InvalidEntity> invalid,
        Map<UUID, Object> typed) {
    /** Requires every component, keeps unmodifiable copies of the lists and typed values; the version is not negative. */
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
        typed = Map.copyOf(typed);
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
    }

    /** A snapshot without typed definitions. */
    public TenantSnapshot(
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
        this(tenant, name, status, version, changedAt, loadedAt, monitors, filters, triggers, invalid, Map.of());
    }

    /**
     * The definition of {@code entity} as the application's {@code type}, decoded once when it changed; empty when no
     * type is registered for its kind, or another one.
     */
    public <T> Optional<T> typed(ConfigEntity entity, Class<T> type) {
        Object value = typed.get(entity.id());
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    /** Every served monitor's definition as {@code type}, in the order of {@link #monitors()}. */
    public <T> List<T> typedMonitors(Class<T> type) {
        List<T> values = new ArrayList<>(monitors.size());
        for (Monitor monitor : monitors) {
            typed(monitor, type).ifPresent(values::add);
        }
        return values;
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
