package io.confwatch.reload;

import io.confwatch.model.ConfigEntity;
import io.confwatch.model.DefinitionValidator;
import io.confwatch.model.Filter;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.model.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns loaded rows into an immutable snapshot: validates each definition, serves the previous valid version of an
 * entity whose new definition is invalid, and reuses unchanged entities of the previous snapshot as they are.
 */
final class SnapshotAssembler {
    private static final Comparator<ConfigEntity> BY_NAME =
            Comparator.comparing(ConfigEntity::name).thenComparing(ConfigEntity::id);

    private SnapshotAssembler() {}

    /** A snapshot from a whole-tenant read. */
    static TenantSnapshot whole(TenantRows.Whole rows, Optional<TenantSnapshot> previous, Instant loadedAt) {
        Map<UUID, ConfigEntity> before = previous.map(SnapshotAssembler::byId).orElse(Map.of());
        Map<UUID, ConfigEntity> served = new LinkedHashMap<>();
        List<InvalidEntity> invalid = new ArrayList<>();
        for (TenantRows.Entity row : rows.entities()) {
            accept(row, before, served, invalid);
        }
        return snapshot(rows.tenant(), served, invalid, loadedAt);
    }

    /** {@code held} with the changes of {@code delta} applied; {@code delta.tenant()} must not be null. */
    static TenantSnapshot patch(TenantSnapshot held, TenantRows.Delta delta, Instant loadedAt) {
        Map<UUID, ConfigEntity> before = byId(held);
        Map<UUID, ConfigEntity> served = new LinkedHashMap<>(before);
        Set<UUID> changed = delta.changedIds();
        served.keySet().removeAll(changed);
        List<InvalidEntity> invalid = new ArrayList<>();
        for (InvalidEntity stillInvalid : held.invalid()) {
            if (!changed.contains(stillInvalid.id())) {
                invalid.add(stillInvalid);
            }
        }
        for (TenantRows.Entity row : delta.activeRows()) {
            accept(row, before, served, invalid);
        }
        return snapshot(delta.tenant(), served, invalid, loadedAt);
    }

    private static void accept(
            TenantRows.Entity row,
            Map<UUID, ConfigEntity> before,
            Map<UUID, ConfigEntity> served,
            List<InvalidEntity> invalid) {
        ConfigEntity previous = before.get(row.id());
        if (previous != null && sameRow(previous, row)) {
            served.put(row.id(), previous);
            return;
        }
        Optional<String> problem = DefinitionValidator.problem(row.kind(), row.definition());
        if (problem.isEmpty()) {
            served.put(row.id(), entity(row));
            return;
        }
        invalid.add(new InvalidEntity(row.tenant(), row.kind(), row.id(), row.name(), problem.get()));
        if (previous != null && previous.kind() == row.kind()) {
            served.put(row.id(), previous);
        }
    }

    private static boolean sameRow(ConfigEntity entity, TenantRows.Entity row) {
        return entity.kind() == row.kind()
                && entity.updatedAt().equals(row.updatedAt())
                && entity.name().equals(row.name())
                && entity.definition().equals(row.definition())
                && entity.updatedBy().equals(row.updatedBy())
                && (!(entity instanceof Filter filter) || Objects.equals(filter.monitorId(), row.monitorId()));
    }

    private static ConfigEntity entity(TenantRows.Entity row) {
        return switch (row.kind()) {
            case MONITOR -> new Monitor(row.id(), row.name(), row.definition(), row.updatedAt(), row.updatedBy());
            case FILTER ->
                new Filter(row.id(), row.name(), row.definition(), row.updatedAt(), row.updatedBy(), row.monitorId());
            case TRIGGER -> new Trigger(row.id(), row.name(), row.definition(), row.updatedAt(), row.updatedBy());
        };
    }

    private static Map<UUID, ConfigEntity> byId(TenantSnapshot snapshot) {
        Map<UUID, ConfigEntity> map = new HashMap<>(snapshot.entityCount() * 2);
        snapshot.monitors().forEach(m -> map.put(m.id(), m));
        snapshot.filters().forEach(f -> map.put(f.id(), f));
        snapshot.triggers().forEach(t -> map.put(t.id(), t));
        return map;
    }

    private static TenantSnapshot snapshot(
            TenantRows.Tenant tenant, Map<UUID, ConfigEntity> served, List<InvalidEntity> invalid, Instant loadedAt) {
        List<Monitor> monitors = new ArrayList<>();
        List<Filter> filters = new ArrayList<>();
        List<Trigger> triggers = new ArrayList<>();
        List<ConfigEntity> sorted = new ArrayList<>(served.values());
        sorted.sort(BY_NAME);
        for (ConfigEntity entity : sorted) {
            if (entity instanceof Monitor m) {
                monitors.add(m);
            } else if (entity instanceof Filter f) {
                filters.add(f);
            } else {
                triggers.add((Trigger) entity);
            }
        }
        invalid.sort(Comparator.comparing((InvalidEntity e) -> e.kind()).thenComparing(InvalidEntity::id));
        return new TenantSnapshot(
                tenant.id(),
                tenant.name(),
                tenant.status(),
                tenant.version(),
                tenant.changedAt(),
                loadedAt,
                monitors,
                filters,
                triggers,
                invalid);
    }
}
