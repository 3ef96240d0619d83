package io.confwatch.reload;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Consumer;

/**
 * A loop over many items on an event loop, run a slice at a time with the context's other events let in between: a full
 * comparison of 1,000,000 tenants' versions in one go held the event loop for 2.4 s (docs/benchmarks.md).
 */
final class Slices {
    /** Items per slice: a few milliseconds of work for the loops that use it. */
    static final int SIZE = 10_000;

    private Slices() {}

    /**
     * Runs {@code step} on each of {@code items} in order on {@code context}, {@code size} per event-loop turn; completes
     * when the last has run, or fails with the first exception a step throws (the items after it are not visited). Call
     * it on {@code context}: the first slice runs at once.
     */
    static <T> Future<Void> forEach(Context context, List<T> items, int size, Consumer<? super T> step) {
        if (size < 1) {
            throw new IllegalArgumentException("a slice holds at least one item, got " + size);
        }
        Promise<Void> done = Promise.promise();
        new Object() {
            void from(int start) {
                int end = Math.min(items.size(), start + size);
                try {
                    for (int i = start; i < end; i++) {
                        step.accept(items.get(i));
                    }
                } catch (RuntimeException e) {
                    done.fail(e);
                    return;
                }
                if (end == items.size()) {
                    done.complete();
                } else {
                    context.runOnContext(v -> from(end));
                }
            }
        }.from(0);
        return done.future();
    }
}
