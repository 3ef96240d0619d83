package io.confwatch.model;

import java.util.Optional;
import java.util.UUID;

/**
 * What one read of one tenant ended in, decided once where its result is installed and carried as is to the read's
 * waiters ({@code ConfWatch.reloadOutcome}), {@code POST /admin/reload/{id}} and the {@code outcome} label of
 * {@code confwatch_reloads_total}.
 */
public sealed interface ReadOutcome {

    /**
     * The read installed a new snapshot; it is held now.
     *
     * @param snapshot the snapshot installed
     */
    record Installed(TenantSnapshot snapshot) implements ReadOutcome {}

    /**
     * The read found nothing newer: {@code snapshot} is what was (and still is) held.
     *
     * @param snapshot the snapshot held
     */
    record Unchanged(TenantSnapshot snapshot) implements ReadOutcome {}

    /**
     * This worker holds nothing for the tenant after the read: deleted, never existed, or another shard's.
     *
     * @param tenant the tenant read
     */
    record Gone(UUID tenant) implements ReadOutcome {}

    /**
     * The read failed with {@code cause} (one line); the last good snapshot is still served and the read is retried.
     *
     * @param tenant the tenant read
     * @param cause why, on one line
     */
    record Failed(UUID tenant, String cause) implements ReadOutcome {}

    /** The outcome's name in HTTP answers and the metric label: {@code installed}, {@code unchanged}, … */
    default String label() {
        if (this instanceof Installed) {
            return "installed";
        }
        if (this instanceof Unchanged) {
            return "unchanged";
        }
        if (this instanceof Gone) {
            return "gone";
        }
        return "failed";
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
            throw new ReadFailedException("reading tenant " + failed.tenant() + " failed: " + failed.cause());
        }
        return held();
    }
}
