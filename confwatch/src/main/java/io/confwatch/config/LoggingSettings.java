package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_LOG_FORMAT;
import static io.confwatch.config.Setting.CONFWATCH_LOG_LEVEL;
import static java.util.Objects.requireNonNull;

/**
 * Log output: line format and root level.
 *
 * @param format {@code text} or {@code json} ({@code CONFWATCH_LOG_FORMAT})
 * @param level root level ({@code CONFWATCH_LOG_LEVEL})
 */
public record LoggingSettings(LogFormat format, LogLevel level) {

    /** Rejects nulls. */
    public LoggingSettings {
        requireNonNull(format, "format");
        requireNonNull(level, "level");
    }

    /** Reads the logging settings. */
    static LoggingSettings read(Env env) {
        return new LoggingSettings(
                env.choice(CONFWATCH_LOG_FORMAT, LogFormat::parse, LogFormat.NAMES),
                env.choice(CONFWATCH_LOG_LEVEL, LogLevel::parse, LogLevel.NAMES));
    }
}
