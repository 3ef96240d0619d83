package io.confwatch.http;

import io.confwatch.model.TenantSnapshot;
import java.util.UUID;

/**
 * One change the watch hub numbered: tenant {@code tenant} now has {@code snapshot}, or (when it is null) was removed at
 * {@code version}, the last version held.
 */
record WatchEvent(long seq, UUID tenant, TenantSnapshot snapshot, long version) {
    /** The tenant's snapshot was installed or replaced. */
    static WatchEvent installed(long seq, TenantSnapshot snapshot) {
        return new WatchEvent(seq, snapshot.tenant(), snapshot, snapshot.version());
    }

    /** The tenant is gone; it was last held at {@code version}. */
    static WatchEvent removed(long seq, UUID tenant, long version) {
        return new WatchEvent(seq, tenant, null, version);
    }

    /** Whether this says the tenant is gone. */
    boolean isRemoval() {
        return snapshot == null;
    }
}
