package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The versioned sweep's cursor, and the one place that decides what a sweep reads: every tenant (a full comparison) or
 * only those changed since the horizon of the last sweep, and whether a read since that horizon can be trusted. Pure.
 *
 * <p>Why the horizon is safe: a sweep reads under one snapshot and records its {@code xmin}. A transaction that
 * snapshot did not see was running when it was taken or started after it, so its id is at or above {@code xmin},
 * whatever order it commits in; and every transaction that bumps a tenant writes a change row stamped with its id
 * ({@code config_changes.xid}, V9; a tombstone's {@code deleted_xid}, of the one that deleted it). So the tenants
 * bumped or deleted by anything the last sweep did not see are exactly among those with change rows or tombstones at
 * or above its horizon — as long as retention has deleted none of those rows, which the read reports
 * ({@link SweepRows#logIncomplete()}). Sequences and timestamps do not
 * have this property: they are taken before commit, and a transaction can commit after a sweep with an older stamp.
 *
 * @param horizon where the snapshot of the last sweep whose reads all succeeded stood
 * @param lastFullAt when the last full comparison whose reads all succeeded was asked for
 */
record SweepCursor(SweepHorizon horizon, Instant lastFullAt) {
    private static final String UNDEFINED_COLUMN = "42703";
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    SweepCursor {
        requireNonNull(horizon, "horizon");
        requireNonNull(lastFullAt, "lastFullAt");
    }

    /**
     * The horizon the next sweep reads from, or empty for a full comparison: with no cursor yet (the first sweep after
     * start) and once {@code fullInterval} has passed since the last full comparison.
     */
    static Optional<SweepHorizon> readFrom(SweepCursor cursor, Instant now, Duration fullInterval) {
        if (cursor == null || !now.isBefore(cursor.lastFullAt.plus(fullInterval))) {
            return Optional.empty();
        }
        return Optional.of(cursor.horizon);
    }

    /**
     * Whether a read from this cursor's horizon, answered under {@code answered}, saw everything since: only on the same
     * server (a restore or a failover starts another one, and may hand out the ids above the horizon again, to other
     * transactions) and with a horizon that did not go backwards (it never does on one server). Otherwise the sweep
     * compares every tenant.
     */
    boolean trusts(SweepHorizon answered) {
        return answered.server().equals(horizon.server()) && Long.compareUnsigned(answered.xmin(), horizon.xmin()) >= 0;
    }

    /**
     * Whether a sweep may act on {@code read} as it is: a full comparison always; a read from this cursor's horizon
     * only when {@link #trusts(SweepHorizon) the horizon is trusted} and the change log still held every row at or
     * above it. Otherwise the sweep compares every tenant.
     */
    boolean accepts(SweepRows read) {
        return read.full() || (!read.logIncomplete() && trusts(read.horizon()));
    }

    /**
     * Whether a cursor read failed because this database cannot answer it (not migrated to V9: no
     * {@code config_changes.xid} or {@code config_changes_purged}; or the worker's role may not read the tombstones or
     * the floor): the sweep then compares every tenant, as before V7.
     */
    static boolean cannotRead(Throwable error) {
        return error instanceof PgException pg
                && (UNDEFINED_COLUMN.equals(pg.getSqlState())
                        || UNDEFINED_TABLE.equals(pg.getSqlState())
                        || INSUFFICIENT_PRIVILEGE.equals(pg.getSqlState()));
    }

    /** The cursor after a sweep asked for at {@code asked} read {@code rows} and all its reads succeeded. */
    static SweepCursor after(SweepCursor before, SweepRows rows, Instant asked) {
        if (rows.full()) {
            return new SweepCursor(rows.horizon(), asked);
        }
        return new SweepCursor(
                rows.horizon(), requireNonNull(before, "a read since a horizon needs a cursor").lastFullAt);
    }
}
