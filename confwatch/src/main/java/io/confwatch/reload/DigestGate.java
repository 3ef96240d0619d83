package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.model.TenantSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Which tenants a full reload may skip: those whose digest in the database (computed in SQL over the server's identity
 * and the versions of the tenant's rows that a whole read returns, {@link TenantDigest}) equals the digest of the rows
 * its held snapshot was built from. A digest is recorded only from a whole read that installed successfully — a
 * start-up page or a full reload's forced read: its rows and digest come from one statement, and the held snapshot
 * afterwards is what those rows make — and any other install of the tenant (a hint, a delta, a sweep) forgets it, as do
 * a drop and a removal. A skip also requires the held snapshot to be the very object recorded, and the record to be
 * younger than {@link #REVERIFY_AFTER} plus up to as much again (spread by tenant): every tenant is read whole at least
 * every two days whatever its digest says, which bounds how long anything a digest of row versions could miss is
 * served (docs/invariants.md #14). A failed read records nothing (and leaves an earlier record standing: it still
 * describes the held snapshot exactly). Pure bookkeeping, confined to the coordinator's context.
 */
final class DigestGate {
    /** A record lets full reloads skip its tenant for this long, plus up to as much again (by tenant id). */
    static final Duration REVERIFY_AFTER = Duration.ofHours(24);

    private final Map<UUID, Verified> verified = new HashMap<>();
    private final LongSupplier nanoClock;

    /** The held snapshot {@code snapshot} was built from rows whose digest is {@code digest}, read at {@code atNanos}. */
    private record Verified(TenantDigest digest, TenantSnapshot snapshot, long atNanos) {}

    DigestGate() {
        this(System::nanoTime);
    }

    /** A gate whose records age by {@code nanoClock} (a {@link System#nanoTime()}). */
    DigestGate(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records that {@code held} (the snapshot held now) was built by a whole read of rows digested {@code digest}. */
    void record(UUID tenant, TenantDigest digest, TenantSnapshot held) {
        verified.put(tenant, new Verified(digest, held, nanoClock.getAsLong()));
    }

    /** How long {@code tenant}'s record stands: {@link #REVERIFY_AFTER} plus a share of it fixed by the tenant's id. */
    static Duration lifetime(UUID tenant) {
        long spread = REVERIFY_AFTER.toNanos();
        return REVERIFY_AFTER.plusNanos(Math.floorMod(tenant.getLeastSignificantBits(), spread));
    }

    /** Forgets what was recorded for {@code tenant}: its next full reload reads it whole. */
    void forget(UUID tenant) {
        verified.remove(tenant);
    }

    /**
     * Whether a full reload may skip {@code tenant}: its database digest now ({@code null} when unknown: read it) equals
     * the one recorded for the snapshot held now, that snapshot is the one recorded, and the record has not outlived
     * {@link #lifetime}.
     */
    boolean unchanged(UUID tenant, TenantDigest now, Optional<TenantSnapshot> held) {
        Verified last = verified.get(tenant);
        return now != null
                && last != null
                && held.isPresent()
                && held.get() == last.snapshot()
                && last.digest().equals(now)
                && nanoClock.getAsLong() - last.atNanos() < lifetime(tenant).toNanos();
    }

    /** What an install means for the tenant's record. */
    enum Step {
        /** Record the read's digest for the snapshot held now. */
        RECORD,
        /** Forget the record: the next full reload reads the tenant whole. */
        FORGET,
        /** Leave the record as it is: the held snapshot did not change. */
        KEEP
    }

    /**
     * The one rule for keeping records true after an install that ended {@code installed}: {@code digested}, the read was
     * a whole read that records (a start-up page, a full reload's forced read) and took its rows' digest in the same
     * statement; {@code heldIsRead}, the snapshot held afterwards is what those rows make (same version, change stamp and
     * content). Only such a read whose rows are what is held records; any other change of the held snapshot forgets.
     */
    static Step after(ConfigCache.Outcome installed, boolean digested, boolean heldIsRead) {
        return switch (installed) {
            case ADDED, REPLACED -> digested ? Step.RECORD : Step.FORGET;
            case KEPT -> !digested ? Step.KEEP : heldIsRead ? Step.RECORD : Step.FORGET;
            case DROPPED_SINCE -> Step.FORGET;
        };
    }

    /** Tenants with a recorded digest. */
    int size() {
        return verified.size();
    }
}
