package io.confwatch.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Sweeps drift apart between pods but never wait longer than their interval (poll mode's bound rests on it). */
class VersionSweeperJitterTest {
    @Test
    void jittered_neverLongerThanTheInterval_andSpreadOverItsLastFifth() {
        LongSummaryStatistics waits = LongStream.range(0, 20_000)
                .map(i -> VersionSweeper.jittered(Duration.ofSeconds(1)))
                .summaryStatistics();

        assertThat(waits.getMax()).isLessThanOrEqualTo(1_000).isGreaterThan(990);
        assertThat(waits.getMin()).isGreaterThanOrEqualTo(800).isLessThan(810);
    }

    @Test
    void nextDelay_countsFromTheStart_andKeepsATenthOfTheIntervalAfterALongRun() {
        assertThat(VersionSweeper.nextDelay(Duration.ofSeconds(1), 300)).isBetween(500L, 700L);
        assertThat(VersionSweeper.nextDelay(Duration.ofSeconds(1), 5_000)).isEqualTo(100L);
    }

    @Test
    void jittered_tinyInterval_stillWaitsAtLeastOneMillisecond() {
        assertThat(VersionSweeper.jittered(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(VersionSweeper.jittered(Duration.ZERO)).isEqualTo(1);
    }
}
