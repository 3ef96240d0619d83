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
        return Rendezvous.owner(key(tenant), count);
    }

    /** The weight shard {@code index} gives {@code tenant}, compared unsigned. */
    static long weight(UUID tenant, int index) {
        return Rendezvous.weight(key(tenant), index);
    }

    private static long key(UUID tenant) {
        // Mixing each half first keeps structured ids (sequential, time-ordered, fixed version bits) apart.
        return Rendezvous.mix(tenant.getMostSignificantBits() ^ Rendezvous.mix(tenant.getLeastSignificantBits()));
    }
}
