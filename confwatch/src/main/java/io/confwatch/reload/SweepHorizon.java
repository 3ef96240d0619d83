package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

/**
 * Where the snapshot of one sweep statement stood, read in that statement: {@code xmin} and {@code xmax} of
 * {@code pg_current_snapshot()} (64-bit {@code xid8}, compared unsigned) and the answering server's start time
 * ({@code pg_postmaster_start_time()}). Every transaction the snapshot did not see has an id at or above {@code xmin}.
 */
public record SweepHorizon(long xmin, long xmax, String server) {
    public SweepHorizon {
        requireNonNull(server, "server");
    }

    /** Transaction ids between the horizon and the next one to be assigned: how far a long transaction holds it back. */
    public long heldBackXids() {
        return Long.compareUnsigned(xmax, xmin) > 0 ? xmax - xmin : 0;
    }

    /** {@code xmin} as PostgreSQL reads an {@code xid8}: its unsigned decimal text. */
    String xminText() {
        return Long.toUnsignedString(xmin);
    }
}
