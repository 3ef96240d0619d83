package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void delayMillis_firstAttempt_betweenHalfAndAllOfMin() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.delayMillis(1)).isBetween(50L, 100L);
        }
    }

    @Test
    void delayMillis_laterAttempts_doubleUntilTheCap() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.delayMillis(3)).isBetween(200L, 400L);
            assertThat(backoff.delayMillis(7)).isBetween(2_500L, 5_000L);
            assertThat(backoff.delayMillis(Integer.MAX_VALUE)).isBetween(2_500L, 5_000L);
        }
    }

    @Test
    void delayMillis_attemptZeroOrBelow_treatedAsFirst() {
        assertThat(backoff.delayMillis(0)).isBetween(50L, 100L);
        assertThat(backoff.delayMillis(-5)).isBetween(50L, 100L);
    }

    @Test
    void constructor_minAboveMaxOrNotPositive_throws() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
