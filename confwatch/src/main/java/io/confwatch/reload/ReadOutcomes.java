package io.confwatch.reload;

import io.confwatch.cache.ConfigCache;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.ReadOutcome.Failed;
import io.confwatch.model.ReadOutcome.Gone;
import io.confwatch.model.ReadOutcome.Installed;
import io.confwatch.model.ReadOutcome.Unchanged;
import io.confwatch.model.TenantSnapshot;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** How a read's {@link ReadOutcome} is decided from what the cache answered, and how it is counted. */
final class ReadOutcomes {
    private ReadOutcomes() {}

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

    /** The {@code outcome} label of {@code confwatch_reloads_total}: the outcome's own {@link ReadOutcome#label()}. */
    static ReloadOutcome metric(ReadOutcome outcome) {
        return ReloadOutcome.valueOf(outcome.label().toUpperCase(Locale.ROOT));
    }
}
