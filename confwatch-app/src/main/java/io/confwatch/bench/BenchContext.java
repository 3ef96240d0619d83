package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import java.io.PrintStream;
import java.time.Duration;

/**
 * What every scenario gets.
 *
 * @param options sizes and durations
 * @param config the worker settings the workers under test start with (their database is replaced per scenario)
 * @param database where the scenarios run
 * @param out where progress and detail lines go
 */
public record BenchContext(BenchOptions options, WorkerConfig config, BenchDatabase database, PrintStream out) {
    /** Starts a worker on {@code target} and waits for its initial load. */
    public ConfWatch startWorker(DatabaseTarget target) {
        return startWorker(config.withDatabase(target));
    }

    /** Starts a worker with {@code settings} and waits for its initial load. */
    public ConfWatch startWorker(WorkerConfig settings) {
        ConfWatch confWatch = ConfWatch.start(settings);
        if (!confWatch.awaitReady(Duration.ofMinutes(5))) {
            confWatch.close();
            throw new IllegalStateException("the worker was not ready within 5 minutes");
        }
        return confWatch;
    }

    /** Prints one detail line under the scenario's name. */
    public void detail(String scenario, String text) {
        out.println("  [" + scenario + "] " + text);
    }
}
