package io.confwatch.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a series of milliseconds (nearest rank: the p-th percentile is the smallest sample with at least p % of
 * the samples at or below it).
 *
 * @param count how many samples
 * @param p50 median
 * @param p99 99th percentile
 * @param max largest sample
 */
public record Summary(int count, double p50, double p99, double max) {
    /** Summarises {@code millis}; all zero when it is empty. */
    public static Summary of(List<Double> millis) {
        if (millis.isEmpty()) {
            return new Summary(0, 0, 0, 0);
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Summary(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /**
     * Summarises the first {@code count} entries of {@code nanos} (nanoseconds) in milliseconds, with the same
     * nearest-rank rule as {@link #of}; sorts that part of the array in place. All zero when {@code count} is 0.
     */
    public static Summary ofNanos(long[] nanos, int count) {
        if (count < 0 || count > nanos.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + nanos.length);
        }
        if (count == 0) {
            return new Summary(0, 0, 0, 0);
        }
        Arrays.sort(nanos, 0, count);
        return new Summary(
                count, rank(nanos, count, 0.50) / 1e6, rank(nanos, count, 0.99) / 1e6, nanos[count - 1] / 1e6);
    }

    private static long rank(long[] sorted, int count, double quantile) {
        int index = (int) Math.ceil(quantile * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    private static double rank(double[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Formats milliseconds with two decimals. */
    public static String ms(double millis) {
        return String.format(java.util.Locale.ROOT, "%.2f ms", millis);
    }

    /** Formats a ratio with two decimals and a ×. */
    public static String times(double ratio) {
        return String.format(java.util.Locale.ROOT, "%.2f×", ratio);
    }
}
