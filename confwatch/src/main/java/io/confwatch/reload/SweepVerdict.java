package io.confwatch.reload;

import io.confwatch.model.TenantSnapshot;
import java.time.Instant;
import java.util.Optional;

/** What a sweep's (version, change stamp) of one tenant says about the held snapshot. Pure. */
enum SweepVerdict {
    /** Held at the database's version and change stamp (or read since the versions were asked for): nothing to do. */
    CURRENT,
    /** Not held, or held at a lower version: read it. */
    BEHIND,
    /**
     * Held at a higher version, or at the same version with another change stamp ({@code changed_at} is set by the
     * triggers to {@code clock_timestamp()} on every bump; writers cannot set it): the database went back in time.
     */
    REWOUND;

    /**
     * The verdict on {@code held} given the database's {@code version}, read from {@code asked} on: a snapshot installed
     * after {@code asked} came from a database at least as new, and is current.
     */
    static SweepVerdict of(Optional<TenantSnapshot> held, TenantVersion version, Instant asked) {
        if (held.isEmpty()) {
            return BEHIND;
        }
        TenantSnapshot snapshot = held.get();
        if (snapshot.loadedAt().isAfter(asked)) {
            return snapshot.version() >= version.version() ? CURRENT : BEHIND;
        }
        if (snapshot.version() < version.version()) {
            return BEHIND;
        }
        if (snapshot.version() == version.version() && snapshot.changedAt().equals(version.changedAt())) {
            return CURRENT;
        }
        return REWOUND;
    }
}
