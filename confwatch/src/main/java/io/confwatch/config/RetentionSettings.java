package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_CHANGE_RETENTION;
import static io.confwatch.config.Setting.CONFWATCH_RETENTION_INTERVAL;

import java.time.Duration;

/**
 * Change-log retention: how long {@code confwatch.config_changes} rows live and how often they are pruned.
 *
 * @param changeRetention age after which rows are deleted ({@code CONFWATCH_CHANGE_RETENTION})
 * @param interval how often one pod prunes ({@code CONFWATCH_RETENTION_INTERVAL})
 */
public record RetentionSettings(Duration changeRetention, Duration interval) {

    /** Validates that both durations are positive. */
    public RetentionSettings {
        Check.positive(CONFWATCH_CHANGE_RETENTION, changeRetention);
        Check.positive(CONFWATCH_RETENTION_INTERVAL, interval);
    }

    /** Reads the retention settings. */
    static RetentionSettings read(Env env) {
        return new RetentionSettings(
                env.duration(CONFWATCH_CHANGE_RETENTION), env.duration(CONFWATCH_RETENTION_INTERVAL));
    }
}
