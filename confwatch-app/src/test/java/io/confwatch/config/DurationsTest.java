package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "0, 0",
        "0s, 0",
        "0ms, 0",
        "1ms, 1",
        "500ms, 500",
        "30s, 30000",
        "15m, 900000",
        "1h, 3600000",
        "7d, 604800000",
        "1m30s, 90000",
        "1h30m, 5400000",
        "1d2h3m4s5ms, 93784005",
        "90s, 90000",
        "1500ms, 1500",
        "007s, 7000",
        "106751d, 9223286400000",
    })
    void parse_validText_returnsDuration(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''              | not a duration",
                "abc             | not a duration (use e.g. 500ms, 30s, 15m, 1h, 7d)",
                "30              | missing unit after 30",
                "00              | missing unit after 00",
                "-5s             | must not be negative",
                "-0              | must not be negative",
                "+5s             | not a duration",
                "1.5s            | not a duration",
                "5 s             | not a duration",
                "' 5s'           | not a duration",
                "5S              | not a duration",
                "5sec            | unknown unit \"sec\"",
                "5w              | unknown unit \"w\"",
                "5us             | unknown unit \"us\"",
                "30s1m           | units must go from largest to smallest",
                "1m1m            | units must go from largest to smallest",
                "1m30            | missing unit after 30",
                "s               | not a duration",
                "106752d         | too large",
                "9223372036854775807ms | too large",
                "99999999999999999999s | too large",
                "106751d23h59m59s999ms | too large",
            })
    void parse_invalidText_throwsWithReason(String text, String reason) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessageContaining(reason);
    }

    @Test
    void parse_null_throwsNullPointerException() {
        assertThatNullPointerException().isThrownBy(() -> Durations.parse(null));
    }

    @ParameterizedTest(name = "{0} ms → {1}")
    @CsvSource({
        "0, 0",
        "1, 1ms",
        "500, 500ms",
        "1000, 1s",
        "1500, 1s500ms",
        "60000, 1m",
        "90000, 1m30s",
        "3600000, 1h",
        "604800000, 7d",
        "93784005, 1d2h3m4s5ms",
    })
    void format_duration_returnsCanonicalText(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0", "250ms", "1s", "60s", "1m30s", "15m", "36h", "7d", "1d2h3m4s5ms"})
    void format_parsedText_roundTrips(String text) {
        Duration duration = Durations.parse(text);

        assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }

    @Test
    void format_subMillisecond_truncatesToMilliseconds() {
        assertThat(Durations.format(Duration.ofNanos(1_999_999))).isEqualTo("1ms");
    }

    @Test
    void format_negative_throwsIllegalArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.format(Duration.ofSeconds(-1)));
    }
}
