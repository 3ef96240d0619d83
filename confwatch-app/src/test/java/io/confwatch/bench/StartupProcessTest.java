package io.confwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupProcessTest {
    @Test
    void parse_serveLog_splitsReadyIntoBeforeTheLoadTheLoadAndAfter() {
        long spawned =
                OffsetDateTime.parse("2026-12-07T18:03:38.000Z").toInstant().toEpochMilli();
        List<String> log = List.of(
                "2026-12-07T18:03:41.584Z INFO  [vert.x-eventloop-thread-0] i.c.http.HttpApi - HTTP API listening",
                "2026-12-07T18:03:57.977Z INFO  [vert.x-eventloop-thread-1] io.confwatch.Worker - Initial load: 10000"
                        + " tenants in 15861 ms; ready");

        StartupProcess.Result result = StartupProcess.parse(log, spawned, 20.5, 17.0);

        assertThat(result.tenants()).isEqualTo(10_000);
        assertThat(result.loadSeconds()).isCloseTo(15.861, within(1e-9));
        // 57.977 - 15.861 = 42.116: the load started 4.116 s after the spawn.
        assertThat(result.beforeLoadSeconds()).isCloseTo(4.116, within(1e-9));
        assertThat(result.afterLoadSeconds()).isCloseTo(20.5 - 4.116 - 15.861, within(1e-9));
        assertThat(result.cpuSeconds()).isEqualTo(17.0);
    }

    @Test
    void parse_noInitialLoadLine_leavesTheSplitUnknown() {
        StartupProcess.Result result = StartupProcess.parse(List.of("no timestamp here"), 0, 3.0, 1.0);

        assertThat(result.tenants()).isEqualTo(-1);
        assertThat(result.loadSeconds()).isNaN();
    }

    @Test
    void median_oddAndEvenCounts() {
        List<StartupProcess.Result> runs = List.of(
                new StartupProcess.Result(3, 0, 0, 1, 0),
                new StartupProcess.Result(1, 0, 0, 1, 0),
                new StartupProcess.Result(2, 0, 0, 1, 0));
        assertThat(Startup.median(runs, StartupProcess.Result::readySeconds)).isEqualTo(2);
        assertThat(Startup.median(runs.subList(0, 2), StartupProcess.Result::readySeconds))
                .isEqualTo(2);
    }
}
