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
import java.util.Collection;
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
        ByKind sorted = ByKind.sorted(served.values());
        return snapshot(rows.tenant(), sorted.monitors, sorted.filters, sorted.triggers, invalid, loadedAt);
    }

    /**
     * {@code held} with the changes of {@code delta} applied; {@code delta.tenant()} must not be null. Costs one pass
     * over the held lists plus O(k log k) for the k changed entities: unchanged entities are neither re-sorted nor
     * re-hashed, so a one-row change in a 10,000-entity tenant stays cheap.
     */
    static TenantSnapshot patch(TenantSnapshot held, TenantRows.Delta delta, Instant loadedAt) {
        Set<UUID> changed = delta.changedIds();
        Map<UUID, ConfigEntity> before = new HashMap<>();
        List<Monitor> monitors = without(held.monitors(), changed, before);
        List<Filter> filters = without(held.filters(), changed, before);
        List<Trigger> triggers = without(held.triggers(), changed, before);
        List<InvalidEntity> invalid = new ArrayList<>();
        for (InvalidEntity stillInvalid : held.invalid()) {
            if (!changed.contains(stillInvalid.id())) {
                invalid.add(stillInvalid);
            }
        }
        Map<UUID, ConfigEntity> served = new LinkedHashMap<>();
        for (TenantRows.Entity row : delta.activeRows()) {
            accept(row, before, served, invalid);
        }
        ByKind added = ByKind.sorted(served.values());
        return snapshot(
                delta.tenant(),
                merge(monitors, added.monitors),
                merge(filters, added.filters),
                merge(triggers, added.triggers),
                invalid,
                loadedAt);
    }

    /** {@code entities} without the {@code changed} ones, which go into {@code removed} by id. */
    private static <E extends ConfigEntity> List<E> without(
            List<E> entities, Set<UUID> changed, Map<UUID, ConfigEntity> removed) {
        List<E> kept = new ArrayList<>(entities.size());
        for (E entity : entities) {
            if (changed.contains(entity.id())) {
                removed.put(entity.id(), entity);
            } else {
                kept.add(entity);
            }
        }
        return kept;
    }

    /**
     * Two lists sorted by name and id, merged into one; each added entity's place is found by binary search, so a few
     * changes cost a few comparisons and block copies, not one comparison per held entity.
     */
    private static <E extends ConfigEntity> List<E> merge(List<E> held, List<E> added) {
        if (added.isEmpty()) {
            return held;
        }
        List<E> merged = new ArrayList<>(held.size() + added.size());
        int from = 0;
        for (E next : added) {
            int at = firstAfter(held, from, next);
            merged.addAll(held.subList(from, at));
            merged.add(next);
            from = at;
        }
        merged.addAll(held.subList(from, held.size()));
        return merged;
    }

    /** The first index at or after {@code from} whose entity sorts after {@code entity} (or the size). */
    private static <E extends ConfigEntity> int firstAfter(List<E> sorted, int from, E entity) {
        int low = from;
        int high = sorted.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (BY_NAME.compare(sorted.get(middle), entity) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
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
            TenantRows.Tenant tenant,
            List<Monitor> monitors,
            List<Filter> filters,
            List<Trigger> triggers,
            List<InvalidEntity> invalid,
            Instant loadedAt) {
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

    /** Served entities split by kind, each list sorted by name and id. */
    private record ByKind(List<Monitor> monitors, List<Filter> filters, List<Trigger> triggers) {
        static ByKind sorted(Collection<ConfigEntity> entities) {
            ByKind split = new ByKind(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (ConfigEntity entity : entities) {
                if (entity instanceof Monitor m) {
                    split.monitors.add(m);
                } else if (entity instanceof Filter f) {
                    split.filters.add(f);
                } else {
                    split.triggers.add((Trigger) entity);
                }
            }
            split.monitors.sort(BY_NAME);
            split.filters.sort(BY_NAME);
            split.triggers.sort(BY_NAME);
            return split;
        }
    }
}
