package io.confwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void of_hundredSamples_nearestRank() {
        List<Double> millis = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            millis.add((double) i);
        }
        Collections.shuffle(millis, new Random(7));
        assertThat(Summary.of(millis)).isEqualTo(new Summary(100, 50, 99, 100));
    }

    @Test
    void ofNanos_sameRanksAsOf_inMilliseconds() {
        Random random = new Random(11);
        long[] nanos = new long[1_001];
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = 1 + random.nextInt(50_000_000);
            millis.add(nanos[i] / 1e6);
        }
        Summary fromNanos = Summary.ofNanos(nanos, nanos.length);
        Summary fromMillis = Summary.of(millis);
        assertThat(fromNanos.count()).isEqualTo(1_001);
        assertThat(fromNanos.p50()).isEqualTo(fromMillis.p50());
        assertThat(fromNanos.p99()).isEqualTo(fromMillis.p99());
        assertThat(fromNanos.max()).isEqualTo(fromMillis.max());
    }

    @Test
    void ofNanos_onlyTheFirstCountEntries() {
        long[] nanos = {3_000_000, 1_000_000, 2_000_000, 999_000_000, 999_000_000};
        assertThat(Summary.ofNanos(nanos, 3)).isEqualTo(new Summary(3, 2, 3, 3));
    }

    @Test
    void ofNanos_tail_p99IsTheSmallestWithNinetyNinePercentAtOrBelow() {
        long[] nanos = new long[200];
        for (int i = 0; i < 200; i++) {
            nanos[i] = i < 198 ? 1_000_000 : 80_000_000;
        }
        // 198 of 200 (99 %) are 1 ms: p99 is 1 ms, the two slow ones show in max only.
        assertThat(Summary.ofNanos(nanos, 200)).isEqualTo(new Summary(200, 1, 1, 80));
        nanos[197] = 80_000_000;
        assertThat(Summary.ofNanos(nanos, 200).p99()).isEqualTo(80);
    }

    @Test
    void ofNanos_emptyOrOneSample() {
        assertThat(Summary.ofNanos(new long[0], 0)).isEqualTo(new Summary(0, 0, 0, 0));
        assertThat(Summary.ofNanos(new long[] {2_500_000}, 1)).isEqualTo(new Summary(1, 2.5, 2.5, 2.5));
        assertThatThrownBy(() -> Summary.ofNanos(new long[2], 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencySamples_growsPastItsFirstArray_andSummarises() {
        LatencySamples samples = new LatencySamples();
        for (int i = 10_000; i >= 1; i--) {
            samples.add(i * 1_000L);
        }
        assertThat(samples.count()).isEqualTo(10_000);
        assertThat(samples.summary()).isEqualTo(new Summary(10_000, 5, 9.9, 10));
    }

    @Test
    void latencySamples_addAll_appendsPastCapacity() {
        LatencySamples a = new LatencySamples();
        LatencySamples b = new LatencySamples();
        for (int i = 1; i <= 5_000; i++) {
            a.add(i * 1_000_000L);
            b.add((5_000 + i) * 1_000_000L);
        }
        a.addAll(b);
        assertThat(a.count()).isEqualTo(10_000);
        assertThat(a.summary()).isEqualTo(new Summary(10_000, 5_000, 9_900, 10_000));
        assertThat(b.count()).isEqualTo(5_000);
    }
}
