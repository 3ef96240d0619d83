package io.confwatch.bench;

import java.lang.management.ManagementFactory;

/** Heap in use after a full collection, as the MemoryMXBean sees it. */
public final class Heap {
    private Heap() {}

    /** Collects a few times and returns the heap bytes in use. */
    public static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
