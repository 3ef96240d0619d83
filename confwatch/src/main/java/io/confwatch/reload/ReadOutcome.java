package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import io.confwatch.model.TenantSnapshot;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What one read of one tenant ended in, decided where its result is installed ({@link TenantReads}) and carried as is
 * to the read's waiters, {@code ConfWatch.reloadOutcome}, {@code POST /admin/reload/{id}} and the {@code outcome}
 * label of {@code confwatch_reloads_total}.
 */
public sealed interface ReadOutcome {

    /** The read installed a new snapshot; it is held now. */
    record Installed(TenantSnapshot snapshot) implements ReadOutcome {}

    /** The read found nothing newer: {@code snapshot} is what was (and still is) held. */
    record Unchanged(TenantSnapshot snapshot) implements ReadOutcome {}

    /** This worker holds nothing for the tenant after the read: deleted, never existed, or another shard's. */
    record Gone(UUID tenant) implements ReadOutcome {}

    /** The read failed with {@code cause} (one line); the last good snapshot is still served and the read is retried. */
    record Failed(UUID tenant, String cause) implements ReadOutcome {}

    /** The outcome of an install that {@link ConfigCache} answered with {@code outcome}, given what is held after it. */
    static ReadOutcome ofInstall(ConfigCache.Outcome outcome, UUID tenant, Optional<TenantSnapshot> heldAfter) {
        if ((outcome == ConfigCache.Outcome.ADDED || outcome == ConfigCache.Outcome.REPLACED)
                && heldAfter.isPresent()) {
            return new Installed(heldAfter.get());
        }
        // KEPT, or DROPPED_SINCE (an older read that must not bring back a dropped tenant): nothing was installed.
        return held(tenant, heldAfter);
    }

    /** Nothing was installed: unchanged when something is held, gone otherwise. */
    static ReadOutcome held(UUID tenant, Optional<TenantSnapshot> held) {
        return held.<ReadOutcome>map(Unchanged::new).orElseGet(() -> new Gone(tenant));
    }

    /** A failed read, its error on one line. */
    static Failed failed(UUID tenant, Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        int newline = message.indexOf('\n');
        return new Failed(tenant, (newline < 0 ? message : message.substring(0, newline)).strip());
    }

    /** The {@code outcome} label of {@code confwatch_reloads_total}. */
    default ReloadOutcome metric() {
        if (this instanceof Installed) {
            return ReloadOutcome.INSTALLED;
        }
        if (this instanceof Unchanged) {
            return ReloadOutcome.UNCHANGED;
        }
        if (this instanceof Gone) {
            return ReloadOutcome.GONE;
        }
        return ReloadOutcome.FAILED;
    }

    /** The outcome's name in HTTP answers and the metric label: {@code installed}, {@code unchanged}, … */
    default String label() {
        return metric().name().toLowerCase(Locale.ROOT);
    }

    /** The snapshot held after the read (installed or unchanged); empty when gone or failed. */
    default Optional<TenantSnapshot> held() {
        if (this instanceof Installed installed) {
            return Optional.of(installed.snapshot());
        }
        if (this instanceof Unchanged unchanged) {
            return Optional.of(unchanged.snapshot());
        }
        return Optional.empty();
    }

    /** What is held after the read (empty: gone); throws a {@link ReadFailedException} when the read failed. */
    default Optional<TenantSnapshot> heldOrThrow() {
        if (this instanceof Failed failed) {
            throw new ReadFailedException(failed);
        }
        return held();
    }
}
