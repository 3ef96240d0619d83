package io.confwatch.reload;

/** Test access to the reload package's thresholds. */
public final class TenantReadsAccess {
    private TenantReadsAccess() {}

    /** Entities below which a tenant is read whole rather than patched. */
    public static int deltaMinEntities() {
        return ReadPlanner.DELTA_MIN_ENTITIES;
    }
}
