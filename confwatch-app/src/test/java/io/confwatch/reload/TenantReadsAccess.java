package io.confwatch.reload;

/** Test access to the reload package's thresholds and statements. */
public final class TenantReadsAccess {
    private TenantReadsAccess() {}

    /** The sweep's cursor read ({@code $1}: the horizon, an {@code xid8} as text). */
    public static String sweepSinceHorizon() {
        return SnapshotLoader.SWEEP_SINCE_HORIZON;
    }

    /** The sweep's full comparison. */
    public static String sweepEveryTenant() {
        return SnapshotLoader.SWEEP_EVERY_TENANT;
    }

    /** Entities below which a tenant is read whole rather than patched. */
    public static int deltaMinEntities() {
        return ReadPlanner.DELTA_MIN_ENTITIES;
    }
}
