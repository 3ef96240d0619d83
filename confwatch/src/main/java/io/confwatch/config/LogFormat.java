package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Log line format: text for people, JSON (one object per line) for log pipelines. */
public enum LogFormat {
    /** Human-readable lines. */
    TEXT,
    /** One JSON object per line. */
    JSON;

    /** The accepted spellings, for messages. */
    static final String NAMES = Arrays.stream(values()).map(LogFormat::text).collect(Collectors.joining(", "));

    /** How the configuration spells it, e.g. {@code json}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value spelled {@code text}, ignoring case, if any. */
    public static Optional<LogFormat> parse(String text) {
        requireNonNull(text, "text");
        return Arrays.stream(values())
                .filter(value -> value.name().equalsIgnoreCase(text))
                .findFirst();
    }
}
