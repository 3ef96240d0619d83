package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantOwnershipTest {
    private static final List<UUID> TENANTS = randomUuids(5_000, /* seed= */ 15L);

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void test_slotScheme_everyTenantOwnedByExactlyItsSlotsOwner(int count) {
        List<TenantOwnership> shards = IntStream.range(0, count)
                .mapToObj(index -> TenantOwnership.of(new Shard(index, count)))
                .toList();
        for (UUID tenant : TENANTS) {
            List<Integer> owners = new ArrayList<>();
            for (TenantOwnership shard : shards) {
                if (shard.test(tenant)) {
                    owners.add(shard.shard().index());
                }
                assertThat(shard.ownerOf(tenant)).isEqualTo(SlotOwnership.owner(TenantSlot.of(tenant), count));
            }
            assertThat(owners).containsExactly(SlotOwnership.owner(TenantSlot.of(tenant), count));
        }
    }

    @Test
    void sqlSlots_slotScheme_areTheShardsSlotsAscending() {
        TenantOwnership shard = TenantOwnership.of(new Shard(1, 4));

        int[] slots = shard.sqlSlots().orElseThrow();

        assertThat(slots).isSorted().isNotEmpty();
        assertThat(slots)
                .containsExactly(IntStream.range(0, TenantSlot.COUNT)
                        .filter(slot -> SlotOwnership.owner(slot, 4) == 1)
                        .toArray());
        assertThat(TENANTS)
                .allMatch(tenant ->
                        shard.test(tenant) == (java.util.Arrays.binarySearch(slots, TenantSlot.of(tenant)) >= 0));
    }

    @Test
    void test_bothSchemes_ownsTheUnionAndReadsEverything() {
        int count = 3;
        for (int index = 0; index < count; index++) {
            TenantOwnership both = TenantOwnership.of(new Shard(index, count, ShardScheme.BOTH));
            int shard = index;

            assertThat(both.sqlSlots()).isEmpty();
            assertThat(TENANTS)
                    .allMatch(tenant -> both.test(tenant)
                            == (SlotOwnership.owner(TenantSlot.of(tenant), count) == shard
                                    || ShardOwnership.owner(tenant, count) == shard));
        }
        // Every tenant is held by its owner under either scheme: a pod of the previous release (per-tenant) and one
        // of this release (slots) then hold it between them, whichever of the two each shard runs.
        List<TenantOwnership> both = IntStream.range(0, count)
                .mapToObj(index -> TenantOwnership.of(new Shard(index, count, ShardScheme.BOTH)))
                .toList();
        List<TenantOwnership> slots = IntStream.range(0, count)
                .mapToObj(index -> TenantOwnership.of(new Shard(index, count)))
                .toList();
        for (UUID tenant : TENANTS) {
            assertThat(both.get(ShardOwnership.owner(tenant, count)).test(tenant))
                    .isTrue();
            assertThat(both.get(SlotOwnership.owner(TenantSlot.of(tenant), count))
                            .test(tenant))
                    .isTrue();
            assertThat(slots.get(SlotOwnership.owner(TenantSlot.of(tenant), count))
                            .test(tenant))
                    .isTrue();
        }
    }

    @Test
    void test_notSharded_ownsEveryTenantAndReadsEverything() {
        for (ShardScheme scheme : ShardScheme.values()) {
            TenantOwnership all = TenantOwnership.of(Shard.NONE.withScheme(scheme));

            assertThat(TENANTS).allMatch(all);
            assertThat(all.sqlSlots()).isEmpty();
            assertThat(all.ownerOf(TENANTS.get(0))).isZero();
        }
    }

    private static List<UUID> randomUuids(int count, long seed) {
        Random random = new Random(seed);
        List<UUID> uuids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            uuids.add(new UUID(random.nextLong(), random.nextLong()));
        }
        return uuids;
    }
}
