package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import java.util.function.Predicate;

/**
 * Which shard owns a tenant (DESIGN §4.4a): rendezvous hashing, also called highest random weight. Every shard gives
 * the tenant a pseudo-random 64-bit weight, and the shard with the highest weight owns it. A tenant's weight for a shard
 * does not depend on the shard count, so going from {@code n} to {@code n + 1} shards moves only the tenants the new
 * shard now wins (about {@code 1/(n + 1)} of them), and each moves to the new shard; every other tenant stays put.
 *
 * <p>The weights are part of the contract: pods of two releases side by side during a rolling update must agree on
 * every owner, so the function below never changes (a test pins its values).
 */
public final class ShardOwnership implements Predicate<UUID> {
    /** Odd 64-bit constant (2^64 / golden ratio) spreading shard indexes across the weight's input bits. */
    private static final long SHARD_SPREAD = 0x9E3779B97F4A7C15L;

    private final Shard shard;

    private ShardOwnership(Shard shard) {
        this.shard = shard;
    }

    /** The tenants {@code shard} owns; {@link Shard#NONE} owns all of them. */
    public static ShardOwnership of(Shard shard) {
        return new ShardOwnership(requireNonNull(shard, "shard"));
    }

    /** The shard this ownership is for. */
    public Shard shard() {
        return shard;
    }

    /** Whether this shard owns {@code tenant}. */
    @Override
    public boolean test(UUID tenant) {
        return !shard.isSharded() || owner(tenant, shard.count()) == shard.index();
    }

    /** The shard among this one's {@code count} that owns {@code tenant}. */
    public int ownerOf(UUID tenant) {
        return owner(tenant, shard.count());
    }

    /** The index of the shard, among {@code count}, that owns {@code tenant}: the one with the highest weight. */
    public static int owner(UUID tenant, int count) {
        requireNonNull(tenant, "tenant");
        if (count < 1 || count > Shard.MAX_COUNT) {
            throw new IllegalArgumentException("shard count must be between 1 and " + Shard.MAX_COUNT + ": " + count);
        }
        long key = key(tenant);
        int best = 0;
        long bestWeight = weight(key, 0);
        for (int index = 1; index < count; index++) {
            long weight = weight(key, index);
            // Unsigned, so all 64 bits count; a tie (one in 2^64) goes to the lower index.
            if (Long.compareUnsigned(weight, bestWeight) > 0) {
                best = index;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** The weight shard {@code index} gives {@code tenant}, compared unsigned. */
    static long weight(UUID tenant, int index) {
        return weight(key(tenant), index);
    }

    private static long key(UUID tenant) {
        // Mixing each half first keeps structured ids (sequential, time-ordered, fixed version bits) apart.
        return mix(tenant.getMostSignificantBits() ^ mix(tenant.getLeastSignificantBits()));
    }

    private static long weight(long key, int index) {
        return mix(key ^ ((index + 1L) * SHARD_SPREAD));
    }

    /** MurmurHash3's 64-bit finalizer: a bijection in which every input bit flips each output bit with p ≈ 1/2. */
    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
