package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import java.time.Duration;

/** Small shared steps of the fault tests. */
final class Faults {
    static final Duration READY = Duration.ofSeconds(30);

    private Faults() {}

    /** Starts a worker and waits for its initial load. */
    static ConfWatch startReady(WorkerConfig config) {
        ConfWatch confWatch = ConfWatch.start(config);
        assertThat(confWatch.awaitReady(READY)).as("ready within %s", READY).isTrue();
        return confWatch;
    }
}
