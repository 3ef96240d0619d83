package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/** Humane durations: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d}, {@code 1m30s}, {@code 0}. */
public final class Durations {

    /** The hint every parse error ends with. */
    static final String EXAMPLES = "use e.g. 500ms, 30s, 15m, 1h, 7d";

    /** Largest accepted duration: one whose nanoseconds still fit a long, so {@code toNanos()} never overflows. */
    static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

    /** Units from largest to smallest; a compound duration uses them in this order, each at most once. */
    private static final List<Unit> UNITS = List.of(
            new Unit("d", 86_400_000L),
            new Unit("h", 3_600_000L),
            new Unit("m", 60_000L),
            new Unit("s", 1_000L),
            new Unit("ms", 1L));

    private record Unit(String symbol, long millis) {}

    private Durations() {}

    /** Parses a humane duration; throws {@link IllegalArgumentException} whose message says what is wrong. */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative");
        }
        long total = 0;
        int nextUnit = 0;
        int i = 0;
        if (text.isEmpty()) {
            throw new IllegalArgumentException("not a duration (" + EXAMPLES + ")");
        }
        while (i < text.length()) {
            int digitsStart = i;
            while (i < text.length() && isAsciiDigit(text.charAt(i))) {
                i++;
            }
            if (i == digitsStart) {
                throw new IllegalArgumentException("not a duration (" + EXAMPLES + ")");
            }
            String digits = text.substring(digitsStart, i);
            int unitStart = i;
            while (i < text.length() && text.charAt(i) >= 'a' && text.charAt(i) <= 'z') {
                i++;
            }
            String symbol = text.substring(unitStart, i);
            if (symbol.isEmpty()) {
                String problem = i < text.length() ? "not a duration" : "missing unit after " + digits;
                throw new IllegalArgumentException(problem + " (" + EXAMPLES + ")");
            }
            int unit = indexOf(symbol);
            if (unit < 0) {
                throw new IllegalArgumentException(
                        "unknown unit \"" + symbol + "\" (units: d, h, m, s, ms; " + EXAMPLES + ")");
            }
            if (unit < nextUnit) {
                throw new IllegalArgumentException(
                        "units must go from largest to smallest, each once (e.g. 1h30m, 1m30s)");
            }
            nextUnit = unit + 1;
            total = addMillis(total, digits, UNITS.get(unit).millis());
        }
        return Duration.ofMillis(total);
    }

    /** Formats a non-negative duration as {@link #parse} reads it, e.g. {@code 1m30s}; drops sub-milliseconds. */
    public static String format(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
        long rest = duration.toMillis();
        if (rest == 0) {
            return "0";
        }
        StringBuilder out = new StringBuilder();
        for (Unit unit : UNITS) {
            long count = rest / unit.millis();
            if (count > 0) {
                out.append(count).append(unit.symbol());
                rest -= count * unit.millis();
            }
        }
        return out.toString();
    }

    private static long addMillis(long total, String digits, long unitMillis) {
        String tooLarge = "too large (at most " + format(Duration.ofMillis(MAX_MILLIS)) + ")";
        try {
            long sum = Math.addExact(total, Math.multiplyExact(Long.parseLong(digits), unitMillis));
            if (sum > MAX_MILLIS) {
                throw new IllegalArgumentException(tooLarge);
            }
            return sum;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(tooLarge, e);
        }
    }

    private static int indexOf(String symbol) {
        for (int i = 0; i < UNITS.size(); i++) {
            if (UNITS.get(i).symbol().equals(symbol)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
