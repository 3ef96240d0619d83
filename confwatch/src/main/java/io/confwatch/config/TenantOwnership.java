package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Whether this worker owns a tenant, and which shard does (DESIGN §4.4a): the one answer the reads, hints, sweeps,
 * reloads and HTTP routes share. Under {@link ShardScheme#SLOTS} a shard owns the tenants of its slots
 * ({@link TenantSlot}, {@link SlotOwnership}), and {@link #sqlSlots()} hands those slots to the database so that it
 * returns only owned tenants; under {@link ShardScheme#BOTH} it also owns what the previous per-tenant scheme
 * ({@link ShardOwnership}) gave it, and everything is read and filtered here.
 */
public final class TenantOwnership implements Predicate<UUID> {
    private final Shard shard;
    // Indexed by slot: the owning shard; null when not sharded.
    private final int[] slotOwners;
    private final int[] ownedSlots;

    private TenantOwnership(Shard shard) {
        this.shard = shard;
        this.slotOwners = shard.isSharded() ? SlotOwnership.owners(shard.count()) : null;
        this.ownedSlots = slotOwners == null
                ? null
                : IntStream.range(0, TenantSlot.COUNT)
                        .filter(slot -> slotOwners[slot] == shard.index())
                        .toArray();
    }

    /** The tenants {@code shard} owns; {@link Shard#NONE} owns all of them. */
    public static TenantOwnership of(Shard shard) {
        return new TenantOwnership(requireNonNull(shard, "shard"));
    }

    /** The shard this ownership is for. */
    public Shard shard() {
        return shard;
    }

    /** Whether this shard owns {@code tenant}. */
    @Override
    public boolean test(UUID tenant) {
        if (slotOwners == null) {
            return true;
        }
        return slotOwners[TenantSlot.of(tenant)] == shard.index()
                || (shard.scheme() == ShardScheme.BOTH && ShardOwnership.owner(tenant, shard.count()) == shard.index());
    }

    /** The shard that owns {@code tenant} from this release on (by its slot), for a 404's {@code owner}. */
    public int ownerOf(UUID tenant) {
        return slotOwners == null ? 0 : slotOwners[TenantSlot.of(tenant)];
    }

    /**
     * The slots whose tenants the database should return to this worker, in ascending order; empty when it must read
     * every tenant (not sharded, or {@link ShardScheme#BOTH}, which filters in Java).
     */
    public Optional<int[]> sqlSlots() {
        if (ownedSlots == null || shard.scheme() == ShardScheme.BOTH) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(ownedSlots, ownedSlots.length));
    }
}
