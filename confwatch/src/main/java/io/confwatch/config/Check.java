package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Validation shared by the settings records: each failure names the setting and the bad value. */
final class Check {

    private Check() {}

    /** {@code value}, if strictly positive. */
    static Duration positive(Setting setting, Duration value) {
        requireNonNull(value, setting.variable());
        if (value.isNegative() || value.isZero()) {
            throw ConfigException.of(setting, shown(value), "must be positive");
        }
        return value;
    }

    /** {@code value}, if within {@code [min, max]}. */
    static int between(Setting setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.of(setting, String.valueOf(value), "must be between " + min + " and " + max);
        }
        return value;
    }

    /** Throws unless {@code value} (of {@code setting}) is at most {@code limit} (of {@code limitSetting}). */
    static void notAbove(Setting setting, Duration value, Setting limitSetting, Duration limit) {
        if (value.compareTo(limit) > 0) {
            throw ConfigException.of(
                    setting, shown(value), "must not exceed " + limitSetting.variable() + " (" + shown(limit) + ")");
        }
    }

    /** Throws unless {@code value} (of {@code setting}) is strictly below {@code limit} (of {@code limitSetting}). */
    static void below(Setting setting, Duration value, Setting limitSetting, Duration limit) {
        if (value.compareTo(limit) >= 0) {
            throw ConfigException.of(
                    setting,
                    shown(value),
                    "must be shorter than " + limitSetting.variable() + " (" + shown(limit) + ")");
        }
    }

    /** A duration as the configuration spells it; negative ones (programmatic misuse only) as ISO-8601. */
    static String shown(Duration value) {
        return value.isNegative() ? value.toString() : Durations.format(value);
    }
}
