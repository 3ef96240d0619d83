package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.PostgresMatrix;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag(PostgresMatrix.TAG)
@ExtendWith(PostgresExtension.class)
class SelfProbeTest {

    @Test
    void selfProbe_healthyListener_isHeardBackWithoutReconnects(TestDatabase db) {
        WorkerConfig base = Fixtures.config(db);
        // Probes far more often than the defaults, with a timeout far above a loopback round trip: a probe that
        // comes back before its NOTIFY statement's own reply must still count as heard.
        WorkerConfig config =
                base.withListener(base.listener().withProbe(Duration.ofMillis(300), Duration.ofMillis(250)));
        try (ConfWatch confWatch = Fixtures.startReady(config)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> probesHeard(confWatch) >= 20);

            assertThat(confWatch.status().listener().reconnects()).isZero();
            assertThat(confWatch
                            .meterRegistry()
                            .get(ConfWatchMetrics.LISTENER_RECONNECTS)
                            .counter()
                            .count())
                    .isZero();
            assertThat(confWatch.status().listener().lastProbeRoundTrip()).isNotNull();
        }
    }

    private static long probesHeard(ConfWatch confWatch) {
        return confWatch
                .meterRegistry()
                .get(ConfWatchMetrics.LISTENER_PROBE)
                .timer()
                .count();
    }
}
