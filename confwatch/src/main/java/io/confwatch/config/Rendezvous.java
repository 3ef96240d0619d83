package io.confwatch.config;

/**
 * Rendezvous (highest random weight) hashing over shards, the one core of {@link ShardOwnership} (a tenant's key) and
 * {@link SlotOwnership} (a slot's key). Each shard gives a key a pseudo-random 64-bit weight that does not depend on
 * the shard count; the shard with the highest weight owns the key. Part of the contract: pods of two releases must agree
 * on every owner, so nothing here ever changes (ShardOwnershipTest and SlotOwnershipTest pin the values).
 */
final class Rendezvous {
    /** Odd 64-bit constant (2^64 / golden ratio) spreading shard indexes across the weight's input bits. */
    private static final long SHARD_SPREAD = 0x9E3779B97F4A7C15L;

    private Rendezvous() {}

    /** The index of the shard, among {@code count}, with the highest weight for {@code key}. */
    static int owner(long key, int count) {
        if (count < 1 || count > Shard.MAX_COUNT) {
            throw new IllegalArgumentException("shard count must be between 1 and " + Shard.MAX_COUNT + ": " + count);
        }
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

    /** The weight shard {@code index} gives {@code key}, compared unsigned. */
    static long weight(long key, int index) {
        return mix(key ^ ((index + 1L) * SHARD_SPREAD));
    }

    /** MurmurHash3's 64-bit finalizer: a bijection in which every input bit flips each output bit with p ≈ 1/2. */
    static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
