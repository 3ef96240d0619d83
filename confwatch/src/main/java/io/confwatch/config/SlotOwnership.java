package io.confwatch.config;

/**
 * Which shard owns a slot (DESIGN §4.4a): rendezvous hashing of the {@value TenantSlot#COUNT} slots over the shards.
 * Every shard gives each slot a pseudo-random 64-bit weight, and the shard with the highest weight owns it. A slot's
 * weight for a shard does not depend on the shard count, so going from {@code n} to {@code n + 1} shards moves only the
 * slots the new shard now wins (about {@code 1/(n + 1)} of them, with their tenants), each to the new shard.
 *
 * <p>The weights are part of the contract: pods of two releases side by side during a rolling update must agree on
 * every owner, so the function below never changes (SlotOwnershipTest pins its values).
 */
public final class SlotOwnership {
    /** Odd 64-bit constant (2^64 / golden ratio) spreading shard indexes across the weight's input bits. */
    private static final long SHARD_SPREAD = 0x9E3779B97F4A7C15L;
    /** Another odd constant, so that slot {@code s} and shard {@code s} do not start from the same bits. */
    private static final long SLOT_SPREAD = 0xD6E8FEB86659FD93L;

    private SlotOwnership() {}

    /** The index of the shard, among {@code count}, that owns {@code slot}: the one with the highest weight. */
    public static int owner(int slot, int count) {
        if (slot < 0 || slot >= TenantSlot.COUNT) {
            throw new IllegalArgumentException("slot must be between 0 and " + (TenantSlot.COUNT - 1) + ": " + slot);
        }
        if (count < 1 || count > Shard.MAX_COUNT) {
            throw new IllegalArgumentException("shard count must be between 1 and " + Shard.MAX_COUNT + ": " + count);
        }
        long key = key(slot);
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

    /** Every slot's owner among {@code count} shards, indexed by slot: computed once per worker. */
    public static int[] owners(int count) {
        int[] owners = new int[TenantSlot.COUNT];
        for (int slot = 0; slot < owners.length; slot++) {
            owners[slot] = owner(slot, count);
        }
        return owners;
    }

    /** The weight shard {@code index} gives {@code slot}, compared unsigned. */
    static long weight(int slot, int index) {
        return weight(key(slot), index);
    }

    private static long key(int slot) {
        return mix((slot + 1L) * SLOT_SPREAD);
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
