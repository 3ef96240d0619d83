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
    /** Another odd constant, so that slot {@code s} and shard {@code s} do not start from the same bits. */
    private static final long SLOT_SPREAD = 0xD6E8FEB86659FD93L;

    private SlotOwnership() {}

    /** The index of the shard, among {@code count}, that owns {@code slot}: the one with the highest weight. */
    public static int owner(int slot, int count) {
        if (slot < 0 || slot >= TenantSlot.COUNT) {
            throw new IllegalArgumentException("slot must be between 0 and " + (TenantSlot.COUNT - 1) + ": " + slot);
        }
        return Rendezvous.owner(key(slot), count);
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
        return Rendezvous.weight(key(slot), index);
    }

    private static long key(int slot) {
        return Rendezvous.mix((slot + 1L) * SLOT_SPREAD);
    }
}
