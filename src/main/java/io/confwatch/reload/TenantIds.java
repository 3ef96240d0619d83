package io.confwatch.reload;

import java.util.UUID;

/** Tenant ids in PostgreSQL's order. */
final class TenantIds {
    private TenantIds() {}

    /** The larger of two ids as PostgreSQL orders {@code uuid} (unsigned bytes), unlike {@link UUID#compareTo}. */
    static UUID max(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        int order = high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
        return order >= 0 ? a : b;
    }
}
