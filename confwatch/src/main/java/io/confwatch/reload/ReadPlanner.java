package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

import io.confwatch.cache.ConfigCache.Replace;
import io.confwatch.model.TenantSnapshot;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one place that decides how a tenant is read and what a read's answer means: "delta or whole read?", "is the
 * change log complete?", "is there anything to read at all?". Pure (no Vert.x, no I/O): the coordinator and the reads
 * only carry out its plans. Each rule is a line of {@code docs/invariants.md}.
 */
final class ReadPlanner {
    /**
     * Below this many entities a whole read costs what a delta read costs (one statement, a few dozen rows) and never
     * needs a second one: a delta that finds the log incomplete (a bare touch, a purged gap) reads the tenant again.
     */
    static final int DELTA_MIN_ENTITIES = 100;

    /** Changed entities per version of the allowed gap beyond which one whole read is cheaper than the delta. */
    static final int DELTA_MAX_ENTITIES_PER_VERSION = 16;

    private final ReloadPolicy policy;

    ReadPlanner(ReloadPolicy policy) {
        this.policy = requireNonNull(policy, "policy");
    }

    /**
     * What a queued read asks for.
     *
     * @param forced read even where the version did not move (a manual or full reload: catches trigger-less writes)
     * @param hintsOnly only notifications asked for it (they are untrusted: any role can NOTIFY)
     * @param hintedVersion the highest hinted version, or -1
     * @param lowestHint the lowest hinted version, or {@link Long#MAX_VALUE}
     * @param awaited someone waits for a read that starts after they asked (a sweep, a reload)
     * @param rewound the sweep found the database behind the held snapshot, or at its version with another change
     *     stamp: the database went back in time, and what it holds now replaces whatever is held
     */
    record Ask(
            boolean forced, boolean hintsOnly, long hintedVersion, long lowestHint, boolean awaited, boolean rewound) {}

    /** How to read one tenant. */
    enum Read {
        /** Nothing to read: a read since the hint was queued brought its version in. */
        SKIP,
        /** Hints that skip versions: ask the database for the tenant's version first, in a read of its own. */
        CHECK_VERSION,
        /** The changes after the held version from the change log, patched onto the held snapshot. */
        DELTA,
        /** The tenant whole, in one statement (with others queued beside it). */
        WHOLE
    }

    /** What a version check found. */
    enum AfterCheck {
        /** The tenant no longer exists. */
        GONE,
        /** The database is not past the held version: the hints were wrong. */
        UNCHANGED,
        /** The database is past the held version: read as usual. */
        READ
    }

    /** What a delta read's answer calls for. */
    enum AfterDelta {
        /** The tenant no longer exists. */
        GONE,
        /** The log accounts for everything since the held version: patch the held snapshot. */
        PATCH,
        /** It does not (or so much changed that a whole read is cheaper): read the tenant whole. */
        WHOLE
    }

    /**
     * What the change log said about one tenant after the held version, read in the same statement as the changed
     * rows.
     *
     * @param exists whether the tenant row exists
     * @param databaseVersion its {@code config_version} (meaningless when it does not exist)
     * @param versionsLogged distinct versions after the held one with change rows
     * @param changedEntities distinct entities with change rows after the held version
     * @param tenantRowsReplaced change rows of the tenant row itself with op INSERT, DELETE or TOUCH (any but UPDATE)
     *     after the held version
     * @param sameServer the held snapshot was read from the server (same start time) that answered the delta
     */
    record LogFacts(
            boolean exists,
            long databaseVersion,
            long versionsLogged,
            int changedEntities,
            long tenantRowsReplaced,
            boolean sameServer) {}

    /** How to read a tenant for {@code ask}, given what is held now ({@code now} decides the snapshot's age). */
    Read plan(Ask ask, Optional<TenantSnapshot> held, Instant now) {
        if (held.isEmpty() || ask.rewound()) {
            return Read.WHOLE;
        }
        TenantSnapshot snapshot = held.get();
        if (!ask.forced() && !ask.awaited() && ask.hintedVersion() >= 0 && ask.hintedVersion() <= snapshot.version()) {
            return Read.SKIP;
        }
        // A tenant's genuine hints arrive in commit order, one version at a time, so they start at most one above the
        // held version; hints that start further up may be made up or follow writes made with notifications off. A
        // one-row version read decides whether there is anything to load, so invented versions cost no loads.
        if (ask.hintsOnly() && ask.lowestHint() > snapshot.version() + 1) {
            return Read.CHECK_VERSION;
        }
        if (ask.forced()) {
            return Read.WHOLE;
        }
        boolean big = snapshot.entityCount() >= DELTA_MIN_ENTITIES;
        boolean recent = snapshot.loadedAt().isAfter(now.minus(policy.deltaMaxAge()));
        boolean nearby =
                ask.hintedVersion() < 0 || ask.hintedVersion() - snapshot.version() <= policy.deltaMaxVersions();
        return big && recent && nearby ? Read.DELTA : Read.WHOLE;
    }

    /** A read planned for one of {@code batchSize} tenants read together: one statement reads them all whole. */
    static Read inBatchOf(Read read, int batchSize) {
        return batchSize > 1 ? Read.WHOLE : read;
    }

    /** What a version check's answer ({@code database}: the tenant's version, empty when gone) calls for. */
    static AfterCheck afterCheck(TenantSnapshot held, OptionalLong database) {
        if (database.isEmpty()) {
            return AfterCheck.GONE;
        }
        return database.getAsLong() <= held.version() ? AfterCheck.UNCHANGED : AfterCheck.READ;
    }

    /** Which held snapshot a whole read for {@code ask} may replace. */
    static Replace replaceFor(Ask ask) {
        if (ask.rewound()) {
            return Replace.IF_DIFFERENT;
        }
        return ask.forced() ? Replace.IF_NEWER_OR_REWRITTEN : Replace.IF_NEWER;
    }

    /** Which held snapshot the whole read after an incomplete delta may replace: as a forced read's. */
    static Replace replaceAfterDelta() {
        return Replace.IF_NEWER_OR_REWRITTEN;
    }

    /**
     * Whether the change log accounts for every change since {@code held}: the server did not start since the held
     * snapshot was read (a restore or failover may have rewound the log, and writers may have reached the held version
     * again with other content), the tenant row was never deleted, inserted or touched since (its entities' deletes
     * cascade unlogged, a re-created tenant's old entities are gone, and a bare touch — a {@code TOUCH} row since V9 —
     * asks for a whole read), and every version in (held, database] has change rows (a version without rows was purged
     * by retention, or was a bare touch before V9).
     */
    AfterDelta afterDelta(TenantSnapshot held, LogFacts log) {
        if (!log.exists()) {
            return AfterDelta.GONE;
        }
        boolean complete = log.sameServer()
                && log.tenantRowsReplaced() == 0
                && log.versionsLogged() == log.databaseVersion() - held.version();
        boolean small = log.changedEntities() <= (long) policy.deltaMaxVersions() * DELTA_MAX_ENTITIES_PER_VERSION;
        return complete && small ? AfterDelta.PATCH : AfterDelta.WHOLE;
    }
}
