package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlotOwnershipTest {
    private static final int TENANTS = 20_000;
    /** Random UUIDs from a fixed seed: the statistics below are the same on every run. */
    private static final List<UUID> RANDOM = randomUuids(TENANTS, /* seed= */ 20_261_207L);
    /** Structured ids (0, 1, 2, …) that a poor hash would leave clustered. */
    private static final List<UUID> SEQUENTIAL = sequentialUuids(TENANTS);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7, 10, 31, 99})
    void owner_nToNPlusOneShards_movesAboutOneInNPlusOneSlotsAllToTheNewShard(int count) {
        int moved = 0;
        for (int slot = 0; slot < TenantSlot.COUNT; slot++) {
            int before = SlotOwnership.owner(slot, count);
            int after = SlotOwnership.owner(slot, count + 1);
            if (before != after) {
                moved++;
                assertThat(after).as("new owner of slot %d", slot).isEqualTo(count);
            }
        }

        // Binomial over 16,384 slots: one standard deviation is at most 0.004; 0.02 is five.
        assertThat((double) moved / TenantSlot.COUNT).isCloseTo(1.0 / (count + 1), within(0.02));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 9})
    void tenantOwner_nToNPlusOneShards_movesAboutOneInNPlusOneTenantsAllToTheNewShard(int count) {
        int moved = 0;
        for (UUID tenant : RANDOM) {
            int before = SlotOwnership.owner(TenantSlot.of(tenant), count);
            int after = SlotOwnership.owner(TenantSlot.of(tenant), count + 1);
            if (before != after) {
                moved++;
                assertThat(after).as("new owner of %s", tenant).isEqualTo(count);
            }
        }

        assertThat((double) moved / TENANTS).isCloseTo(1.0 / (count + 1), within(0.025));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 10})
    void owner_slotsAndTenants_spreadEvenlyOverShards(int count) {
        int[] slots = new int[count];
        for (int slot = 0; slot < TenantSlot.COUNT; slot++) {
            slots[SlotOwnership.owner(slot, count)]++;
        }
        for (int index = 0; index < count; index++) {
            assertThat((double) slots[index] / TenantSlot.COUNT)
                    .as("share of slots of shard %d of %d", index, count)
                    .isCloseTo(1.0 / count, within(0.02));
        }
        for (List<UUID> tenants : List.of(RANDOM, SEQUENTIAL)) {
            int[] held = new int[count];
            for (UUID tenant : tenants) {
                held[SlotOwnership.owner(TenantSlot.of(tenant), count)]++;
            }
            for (int index = 0; index < count; index++) {
                assertThat((double) held[index] / tenants.size())
                        .as("share of tenants of shard %d of %d", index, count)
                        .isCloseTo(1.0 / count, within(0.025));
            }
        }
    }

    @Test
    void owner_hundredShards_everyShardGetsSlots() {
        int[] slots = new int[100];
        for (int owner : SlotOwnership.owners(100)) {
            slots[owner]++;
        }

        // 163.84 slots each on average; binomial, one standard deviation is about 12.7.
        assertThat(java.util.Arrays.stream(slots).boxed())
                .allSatisfy(held -> assertThat(held).isBetween(100, 230));
    }

    /** The function is a contract between releases: pods of two versions must agree on every owner. */
    @Test
    void owner_fixedInputs_givesThePinnedValues() {
        assertThat(SlotOwnership.weight(0, 0)).isEqualTo(0x3bf7ec0b856b595dL);
        assertThat(SlotOwnership.weight(2122, 3)).isEqualTo(0xb09c186bc5b34d8fL);
        assertThat(List.of(
                        SlotOwnership.owner(0, 2),
                        SlotOwnership.owner(0, 3),
                        SlotOwnership.owner(1, 8),
                        SlotOwnership.owner(2122, 4),
                        SlotOwnership.owner(16383, 100),
                        SlotOwnership.owner(777, 1024)))
                .containsExactly(0, 0, 4, 1, 21, 607);
    }

    @Test
    void owners_anyCount_isOwnerOfEachSlot() {
        int[] owners = SlotOwnership.owners(7);

        assertThat(owners).hasSize(TenantSlot.COUNT);
        for (int slot = 0; slot < TenantSlot.COUNT; slot += 97) {
            assertThat(owners[slot]).isEqualTo(SlotOwnership.owner(slot, 7));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Shard.MAX_COUNT + 1})
    void owner_countOutOfRange_throws(int count) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SlotOwnership.owner(0, count))
                .withMessageContaining(Integer.toString(count));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, TenantSlot.COUNT})
    void owner_slotOutOfRange_throws(int slot) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SlotOwnership.owner(slot, 2))
                .withMessageContaining(Integer.toString(slot));
    }

    private static List<UUID> randomUuids(int count, long seed) {
        Random random = new Random(seed);
        List<UUID> uuids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            uuids.add(new UUID(random.nextLong(), random.nextLong()));
        }
        return uuids;
    }

    private static List<UUID> sequentialUuids(int count) {
        List<UUID> uuids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            uuids.add(new UUID(0, i));
        }
        return uuids;
    }
}
