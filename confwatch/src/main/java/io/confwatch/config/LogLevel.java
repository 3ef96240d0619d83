package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Root log level, from most to least verbose. */
public enum LogLevel {
    /** Everything, including each notification and read. */
    TRACE,
    /** Diagnostic detail. */
    DEBUG,
    /** Start-up, shutdown and notable events (the default). */
    INFO,
    /** Problems the worker recovers from. */
    WARN,
    /** Failures only. */
    ERROR;

    /** The accepted spellings, for messages. */
    static final String NAMES = Arrays.stream(values()).map(LogLevel::text).collect(Collectors.joining(", "));

    /** How the configuration spells it, e.g. {@code INFO}. */
    public String text() {
        return name();
    }

    /** The value spelled {@code text}, ignoring case, if any. */
    public static Optional<LogLevel> parse(String text) {
        requireNonNull(text, "text");
        return Arrays.stream(values())
                .filter(value -> value.name().equalsIgnoreCase(text))
                .findFirst();
    }
}
