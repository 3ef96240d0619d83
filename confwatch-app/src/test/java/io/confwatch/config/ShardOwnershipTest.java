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

class ShardOwnershipTest {
    private static final int TENANTS = 20_000;
    /** Random UUIDs from a fixed seed: the statistics below are the same on every run. */
    private static final List<UUID> RANDOM = randomUuids(TENANTS, /* seed= */ 20_240_601L);
    /** Structured ids (0, 1, 2, …) that a poor hash would leave clustered. */
    private static final List<UUID> SEQUENTIAL = sequentialUuids(TENANTS);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 16})
    void test_nShards_everyTenantOwnedByExactlyOne(int count) {
        List<ShardOwnership> shards = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            shards.add(ShardOwnership.of(new Shard(index, count)));
        }

        for (UUID tenant : RANDOM) {
            List<Integer> owners = new ArrayList<>();
            for (ShardOwnership shard : shards) {
                if (shard.test(tenant)) {
                    owners.add(shard.shard().index());
                }
            }
            assertThat(owners).as("owners of %s among %d", tenant, count).hasSize(1);
            assertThat(owners.get(0)).isEqualTo(ShardOwnership.owner(tenant, count));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7, 10, 31})
    void owner_nToNPlusOneShards_movesAboutOneInNPlusOneAllToTheNewShard(int count) {
        int moved = 0;
        for (UUID tenant : RANDOM) {
            int before = ShardOwnership.owner(tenant, count);
            int after = ShardOwnership.owner(tenant, count + 1);
            if (before != after) {
                moved++;
                assertThat(after).as("new owner of %s", tenant).isEqualTo(count);
            }
        }

        // Binomial: one standard deviation is at most 0.0036 here; 0.015 is over four.
        assertThat((double) moved / TENANTS).isCloseTo(1.0 / (count + 1), within(0.015));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 10})
    void owner_randomAndSequentialIds_spreadEvenlyOverShards(int count) {
        for (List<UUID> tenants : List.of(RANDOM, SEQUENTIAL)) {
            int[] held = new int[count];
            for (UUID tenant : tenants) {
                held[ShardOwnership.owner(tenant, count)]++;
            }
            for (int index = 0; index < count; index++) {
                assertThat((double) held[index] / tenants.size())
                        .as("share of shard %d of %d", index, count)
                        .isCloseTo(1.0 / count, within(0.02));
            }
        }
    }

    @Test
    void owner_pinnedValues_neverChange() {
        // Pods of two releases must agree on owners during a rolling update: these values are a contract.
        UUID tenant = UUID.fromString("6f1c3b52-8a0e-4d3b-9a57-2f4f0e1d9c11");
        assertThat(ShardOwnership.weight(tenant, 0)).isEqualTo(0xcd7ddd392abb2adbL);
        assertThat(ShardOwnership.weight(tenant, 1)).isEqualTo(0x525ed49247d07ec2L);
        assertThat(List.of(
                        ShardOwnership.owner(tenant, 2),
                        ShardOwnership.owner(tenant, 3),
                        ShardOwnership.owner(tenant, 8),
                        ShardOwnership.owner(new UUID(0, 1), 8),
                        ShardOwnership.owner(new UUID(0, 2), 8)))
                .containsExactly(0, 2, 2, 5, 5);
    }

    @Test
    void test_notSharded_ownsEverything() {
        ShardOwnership all = ShardOwnership.of(Shard.NONE);

        assertThat(RANDOM).allMatch(all);
        assertThat(all.ownerOf(RANDOM.get(0))).isZero();
    }

    @Test
    void ownerOf_sameAsStaticOwnerForItsCount() {
        ShardOwnership shard = ShardOwnership.of(new Shard(2, 5));

        assertThat(RANDOM.subList(0, 100)).allMatch(tenant -> shard.ownerOf(tenant) == ShardOwnership.owner(tenant, 5));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Shard.MAX_COUNT + 1})
    void owner_countOutOfRange_throws(int count) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShardOwnership.owner(RANDOM.get(0), count))
                .withMessageContaining(Integer.toString(count));
    }

    private static List<UUID> randomUuids(int count, long seed) {
        Random random = new Random(seed);
        List<UUID> uuids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Version 4, variant 2: what gen_random_uuid() makes.
            long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            uuids.add(new UUID(msb, lsb));
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
