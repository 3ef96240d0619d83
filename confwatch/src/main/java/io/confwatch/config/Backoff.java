package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: attempt {@code n} waits a random time between half and all of
 * {@code min · 2^(n-1)}, capped at {@code max}, so many pods failing together do not retry in step.
 *
 * @param min the first delay (before jitter)
 * @param max the cap, at least {@code min}
 */
public record Backoff(Duration min, Duration max) {
    /** Validates positive delays and {@code min ≤ max}. */
    public Backoff {
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
        }
    }

    /** The delay before retry number {@code attempt} (1 for the first retry), in milliseconds. */
    public long delayMillis(int attempt) {
        long minMillis = Math.max(1, min.toMillis());
        long maxMillis = Math.max(minMillis, max.toMillis());
        long exp = minMillis << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(maxMillis, exp <= 0 ? maxMillis : exp);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
