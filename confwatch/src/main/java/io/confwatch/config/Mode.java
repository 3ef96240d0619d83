package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How changes are detected: LISTEN for notifications (plus sweeps), or poll with frequent sweeps only. */
public enum Mode {
    /** LISTEN for change notifications; the versioned sweep is the safety net. */
    LISTEN,
    /** No LISTEN: run the versioned sweep every poll interval. */
    POLL;

    /**
     * Whether the pool's connections may pass through a transaction pooler such as PgBouncer in transaction mode: in
     * poll mode they may (no LISTEN, no session state, no named prepared statements); in listen mode the worker must
     * reach PostgreSQL directly, since a transaction pooler delivers no notifications.
     */
    public boolean mayPassTransactionPooler() {
        return this == POLL;
    }

    /** The accepted spellings, for messages. */
    static final String NAMES = Arrays.stream(values()).map(Mode::text).collect(Collectors.joining(", "));

    /** How the configuration spells it, e.g. {@code listen}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value spelled {@code text}, ignoring case, if any. */
    public static Optional<Mode> parse(String text) {
        requireNonNull(text, "text");
        return Arrays.stream(values())
                .filter(value -> value.name().equalsIgnoreCase(text))
                .findFirst();
    }
}
