package io.confwatch.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The share of each second a full reload may keep the database busy ({@code CONFWATCH_FULL_RELOAD_BUDGET}): a fraction
 * in (0, 1]. 1 reads page after page without a pause (unpaced). Spelled as a fraction ({@code 0.1}), a percentage
 * ({@code 10%}) or database time per second ({@code 100ms/s}).
 */
public record ReloadBudget(double fraction) {
    private static final Pattern FRACTION = Pattern.compile("[0-9]*\\.?[0-9]+");
    private static final Pattern PERCENT = Pattern.compile("([0-9]*\\.?[0-9]+) *%");
    private static final Pattern PER_SECOND = Pattern.compile("([0-9]*\\.?[0-9]+) *ms */ *s");

    /** Smallest budget: 1 ms of database time per second. */
    public static final double MIN = 0.001;

    /** Unpaced: pages follow one another without a pause. */
    public static final ReloadBudget UNPACED = new ReloadBudget(1);

    /** Validates {@code MIN ≤ fraction ≤ 1}; failures name {@code CONFWATCH_FULL_RELOAD_BUDGET}. */
    public ReloadBudget {
        if (!(fraction >= MIN && fraction <= 1)) {
            throw ConfigException.of(
                    Setting.CONFWATCH_FULL_RELOAD_BUDGET,
                    String.valueOf(fraction),
                    "must be between 0.001 (1ms/s) and 1 (1000ms/s, unpaced)");
        }
    }

    /** Parses {@code text} as {@code CONFWATCH_FULL_RELOAD_BUDGET} spells it; the error names the setting and value. */
    public static ReloadBudget parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        double fraction;
        Matcher percent = PERCENT.matcher(value);
        Matcher perSecond = PER_SECOND.matcher(value);
        if (FRACTION.matcher(value).matches()) {
            fraction = Double.parseDouble(value);
        } else if (percent.matches()) {
            fraction = Double.parseDouble(percent.group(1)) / 100;
        } else if (perSecond.matches()) {
            fraction = Double.parseDouble(perSecond.group(1)) / 1000;
        } else {
            throw ConfigException.of(
                    Setting.CONFWATCH_FULL_RELOAD_BUDGET,
                    text,
                    "not a budget: write a fraction (0.1), a percentage (10%) or database time per second (100ms/s)");
        }
        if (!(fraction >= MIN && fraction <= 1)) {
            throw ConfigException.of(
                    Setting.CONFWATCH_FULL_RELOAD_BUDGET,
                    text,
                    "must be between 0.001 (1ms/s) and 1 (1000ms/s, unpaced)");
        }
        return new ReloadBudget(fraction);
    }

    /** Whether pages follow one another without a pause. */
    public boolean unpaced() {
        return fraction >= 1;
    }

    /** As a person would write it, e.g. {@code 100ms/s}. */
    @Override
    public String toString() {
        double millis = fraction * 1000;
        return (millis == Math.rint(millis) ? String.valueOf((long) millis) : String.valueOf(millis)) + "ms/s";
    }
}
