package io.confwatch.reload;

import java.util.Locale;

/** Why a tenant is being reloaded; the {@code cause} label of {@code confwatch_reloads_total}. */
public enum ReloadCause {
    STARTUP,
    NOTIFY,
    SWEEP,
    FULL,
    MANUAL,
    RECONNECT;

    /** The label value, e.g. {@code notify}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a version installed for this cause measures propagation (a recent write, not a start-up read). */
    boolean measuresPropagation() {
        return this == NOTIFY || this == SWEEP || this == RECONNECT;
    }
}
