package io.confwatch.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on requests held open at once (watch streams, long polls), shared by every event loop of one API. Past it a
 * request is refused at once (503 with {@code Retry-After}) instead of parking more memory on the worker.
 */
final class Admission {
    private final int limit;
    private final AtomicInteger held = new AtomicInteger();

    Admission(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place if one is free; whoever gets {@code true} must {@link #release} it exactly once. */
    boolean tryAcquire() {
        while (true) {
            int now = held.get();
            if (now >= limit) {
                return false;
            }
            if (held.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back. */
    void release() {
        held.decrementAndGet();
    }

    /** Places taken now. */
    int held() {
        return held.get();
    }

    /** The bound. */
    int limit() {
        return limit;
    }
}
