package io.confwatch.reload;

import java.util.Comparator;
import java.util.UUID;

/** Tenant ids in PostgreSQL's order. */
public final class TenantIds {
    /**
     * PostgreSQL's {@code uuid} order (unsigned bytes), which is also the order of the canonical strings; unlike
     * {@link UUID#compareTo}, which compares signed longs and puts {@code 8…}–{@code f…} ids before {@code 0…}.
     */
    public static final Comparator<UUID> ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private TenantIds() {}

    /** The larger of two ids in {@link #ORDER}. */
    static UUID max(UUID a, UUID b) {
        return ORDER.compare(a, b) >= 0 ? a : b;
    }
}
