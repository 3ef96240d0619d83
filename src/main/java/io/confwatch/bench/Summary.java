package io.confwatch.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a series of milliseconds (nearest rank).
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
