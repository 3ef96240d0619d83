package io.confwatch.bench;

import java.util.Arrays;

/**
 * Request latencies in nanoseconds, appended by one thread (a load generator's event loop), summarised once the phase is
 * over. A growing {@code long[]}: 8 bytes per request, so a 20 s phase at 20,000 req/s holds 3.2 MB.
 */
final class LatencySamples {
    private long[] nanos = new long[4096];
    private int count;

    /** Records one request's latency. */
    void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        nanos[count++] = latencyNanos;
    }

    /** Records every latency of {@code other}. */
    void addAll(LatencySamples other) {
        if (count + other.count > nanos.length) {
            nanos = Arrays.copyOf(nanos, Math.max(nanos.length * 2, count + other.count));
        }
        System.arraycopy(other.nanos, 0, nanos, count, other.count);
        count += other.count;
    }

    /** How many latencies were recorded. */
    int count() {
        return count;
    }

    /** p50, p99 and max in milliseconds (nearest rank); sorts the samples. */
    Summary summary() {
        return Summary.ofNanos(nanos, count);
    }
}
