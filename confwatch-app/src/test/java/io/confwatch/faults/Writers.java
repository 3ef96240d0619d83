package io.confwatch.faults;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that make random committed changes to random tenants, directly in the database, until stopped — shrugging
 * off the failures a fault causes (the database may be down or restarting).
 */
final class Writers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writers.class);

    private final ConfigRows rows;
    private final List<UUID> tenants;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stopped;

    private Writers(ConfigRows rows, List<UUID> tenants) {
        this.rows = rows;
        this.tenants = List.copyOf(tenants);
    }

    /** Starts {@code count} writer threads, each with its own seed derived from {@code seed}. */
    static Writers start(ConfigRows rows, List<UUID> tenants, int count, long seed) {
        Writers writers = new Writers(rows, tenants);
        for (int i = 0; i < count; i++) {
            Random random = new Random(seed + i);
            Thread thread = new Thread(() -> writers.run(random), "fault-writer-" + i);
            thread.setDaemon(true);
            writers.threads.add(thread);
            thread.start();
        }
        return writers;
    }

    /** Changes committed so far. */
    long committed() {
        return committed.get();
    }

    /** Changes that failed (a fault was on). */
    long failed() {
        return failed.get();
    }

    /** Stops writing and waits for the threads: every change made is committed or failed once this returns. */
    @Override
    public void close() {
        stopped = true;
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop within 30 s");
            }
        }
        log.info("Writers: {} changes committed, {} failed during faults", committed.get(), failed.get());
    }

    private void run(Random random) {
        while (!stopped) {
            try {
                rows.randomChange(random, tenants.get(random.nextInt(tenants.size())));
                committed.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                failed.incrementAndGet();
                pause(50);
            }
            // Pacing, so the worker gets its share of two cores.
            pause(random.nextInt(8));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
