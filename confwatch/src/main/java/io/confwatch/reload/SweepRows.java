package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.UUID;

/**
 * What one sweep statement read, in one snapshot: the tenants it lists with their versions, the tenants it found
 * deleted (a cursor read only: a full read lists every tenant, so a held one it lacks is gone), and the snapshot's
 * horizon.
 *
 * @param full every tenant was read, not only those changed since a horizon
 * @param logIncomplete (a cursor read only) the change log may lack rows of transactions at or above the horizon read
 *     from (retention purged them, or they were written before V9): the rows may not list every change
 */
record SweepRows(
        List<TenantVersion> versions, List<UUID> deleted, SweepHorizon horizon, boolean full, boolean logIncomplete) {
    SweepRows {
        versions = List.copyOf(versions);
        deleted = List.copyOf(deleted);
        requireNonNull(horizon, "horizon");
    }

    /** Rows the statement returned, besides its one horizon row. */
    int rows() {
        return versions.size() + deleted.size();
    }
}
