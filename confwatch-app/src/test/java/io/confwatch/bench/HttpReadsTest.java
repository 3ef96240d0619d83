package io.confwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpReadsTest {
    /** A phase of one second with {@code rate} requests answered 200, each taking {@code millis}. */
    private static HttpLoad.Phase phase(long rate, long millis) {
        LatencySamples samples = new LatencySamples();
        for (long i = 0; i < rate; i++) {
            samples.add(millis * 1_000_000);
        }
        return new HttpLoad.Phase(rate, 0, rate * 100, 1.0, samples, null, 1, 3);
    }

    @Test
    void isSteady_needsThreeRoundsWithinTenPercentOfTheirMean() {
        assertThat(HttpReads.isSteady(List.of(phase(1000, 1), phase(1000, 1)))).isFalse();
        assertThat(HttpReads.isSteady(List.of(phase(100, 1), phase(1000, 1), phase(1050, 1), phase(950, 1))))
                .isTrue();
        // Still climbing: 1000 → 1200 → 1400 has a mean of 1200, and 1000 is 17 % below it.
        assertThat(HttpReads.isSteady(List.of(phase(1000, 1), phase(1200, 1), phase(1400, 1))))
                .isFalse();
        assertThat(HttpReads.isSteady(List.of(phase(0, 1), phase(0, 1), phase(0, 1))))
                .isFalse();
    }

    @Test
    void phasePlus_addsCountsAndMergesLatencies() {
        HttpLoad.Phase fast = phase(99, 1);
        HttpLoad.Phase slow = new HttpLoad.Phase(2, 1, 50, 1.0, phase(1, 40).samples(), "HTTP 500", 2, 20);
        HttpLoad.Phase both = fast.plus(slow);
        assertThat(both.requests()).isEqualTo(101);
        assertThat(both.errors()).isEqualTo(1);
        assertThat(both.bodyBytes()).isEqualTo(9_950);
        assertThat(both.seconds()).isEqualTo(2.0);
        assertThat(both.perSecond()).isEqualTo(50.0);
        assertThat(both.firstError()).isEqualTo("HTTP 500");
        assertThat(both.gcCount()).isEqualTo(3);
        assertThat(both.gcMillis()).isEqualTo(23);
        assertThat(both.latency()).isEqualTo(new Summary(100, 1, 1, 40));
        assertThat(fast.latency().count()).isEqualTo(99);
    }
}
