package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.model.ConfigEntity;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A patched snapshot must serve exactly what a whole read of the same rows would, and keep unchanged entities as the
 * same instances. Random rows, random changes (updates, renames, deletes, inserts, invalid definitions), checked step
 * by step along a chain of patches.
 */
class SnapshotAssemblerTest {
    private static final UUID TENANT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final String[] NAMES = {"alpha", "beta", "gamma", "delta", "Beta", "zeta"};

    @Test
    void aPatchServesWhatAWholeReadOfTheSameRowsServes() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            Map<UUID, TenantRows.Entity> rows = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                TenantRows.Entity row = row(random, randomKind(random), UUID.randomUUID(), 0);
                rows.put(row.id(), row);
            }
            long version = 1;
            TenantSnapshot expected = SnapshotAssembler.whole(whole(rows, version), Optional.empty(), Instant.EPOCH);
            TenantSnapshot patched = expected;
            for (int step = 1; step <= 25; step++) {
                version++;
                Set<UUID> changed = change(random, rows, step);
                List<TenantRows.Entity> active = new ArrayList<>();
                for (UUID id : changed) {
                    if (rows.containsKey(id)) {
                        active.add(rows.get(id));
                    }
                }
                TenantRows.Delta delta = new TenantRows.Delta(tenant(version), active, changed, version - 1, 1, 0);
                TenantSnapshot previous = patched;
                patched = SnapshotAssembler.patch(previous, delta, Instant.EPOCH);
                expected = SnapshotAssembler.whole(whole(rows, version), Optional.of(expected), Instant.EPOCH);

                assertThat(patched.sameContentAs(expected))
                        .as("seed %d step %d: patched %s, whole %s", seed, step, patched, expected)
                        .isTrue();
                Map<UUID, ConfigEntity> before = served(previous);
                served(patched).forEach((id, entity) -> {
                    if (!changed.contains(id)) {
                        assertThat(entity).isSameAs(before.get(id));
                    }
                });
            }
        }
    }

    @Test
    void aPatchOfNothingKeepsEveryEntityInstance() {
        Random random = new Random(7);
        Map<UUID, TenantRows.Entity> rows = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            TenantRows.Entity row = row(random, randomKind(random), UUID.randomUUID(), 0);
            rows.put(row.id(), row);
        }
        TenantSnapshot held = SnapshotAssembler.whole(whole(rows, 1), Optional.empty(), Instant.EPOCH);

        TenantSnapshot patched = SnapshotAssembler.patch(
                held, new TenantRows.Delta(tenant(2), List.of(), Set.of(), 1, 1, 0), Instant.EPOCH);

        assertThat(patched.version()).isEqualTo(2);
        assertThat(patched.monitors()).containsExactlyElementsOf(held.monitors());
        assertThat(patched.filters()).containsExactlyElementsOf(held.filters());
        assertThat(patched.triggers()).containsExactlyElementsOf(held.triggers());
        assertThat(patched.invalid()).isEqualTo(held.invalid());
    }

    /** Changes a few rows in place (update, rename, invalidate, delete) and inserts some; returns the changed ids. */
    private static Set<UUID> change(Random random, Map<UUID, TenantRows.Entity> rows, int step) {
        Set<UUID> changed = new HashSet<>();
        List<UUID> ids = new ArrayList<>(rows.keySet());
        int touches = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
        for (int i = 0; i < touches; i++) {
            UUID id = ids.get(random.nextInt(ids.size()));
            changed.add(id);
            if (random.nextInt(6) == 0) {
                rows.remove(id);
            } else {
                rows.computeIfPresent(id, (k, old) -> row(random, old.kind(), id, step));
            }
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            TenantRows.Entity row = row(random, randomKind(random), UUID.randomUUID(), step);
            rows.put(row.id(), row);
            changed.add(row.id());
        }
        return changed;
    }

    private static TenantRows.Entity row(Random random, EntityKind kind, UUID id, int step) {
        String name = NAMES[random.nextInt(NAMES.length)];
        boolean valid = random.nextInt(5) != 0;
        String definition =
                switch (kind) {
                    case MONITOR -> valid ? "{\"networks\": [\"n" + step + "\"]}" : "{\"networks\": []}";
                    case FILTER -> valid ? "{\"expression\": \"x > " + step + "\"}" : "{}";
                    case TRIGGER -> valid ? "{\"type\": \"script\", \"path\": \"/p" + step + "\"}" : "[]";
                };
        UUID monitor = kind == EntityKind.FILTER ? UUID.nameUUIDFromBytes(name.getBytes()) : null;
        return new TenantRows.Entity(
                kind, id, TENANT, name, definition, Instant.ofEpochSecond(step), "tester", monitor);
    }

    private static EntityKind randomKind(Random random) {
        return EntityKind.values()[random.nextInt(EntityKind.values().length)];
    }

    private static TenantRows.Tenant tenant(long version) {
        return new TenantRows.Tenant(TENANT, "tenant", "active", version, Instant.ofEpochSecond(version), "server");
    }

    private static TenantRows.Whole whole(Map<UUID, TenantRows.Entity> rows, long version) {
        return new TenantRows.Whole(tenant(version), new ArrayList<>(rows.values()));
    }

    private static Map<UUID, ConfigEntity> served(TenantSnapshot snapshot) {
        Map<UUID, ConfigEntity> byId = new LinkedHashMap<>();
        Stream.of(snapshot.monitors(), snapshot.filters(), snapshot.triggers())
                .flatMap(List::stream)
                .forEach(e -> byId.put(e.id(), e));
        return byId;
    }
}
