package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LongPollTest {
    @Test
    void from_noParameters_isEmpty() {
        assertThat(LongPoll.from(query())).isEmpty();
        assertThat(LongPoll.from(query("other", "1"))).isEmpty();
    }

    @Test
    void from_minVersionAndWait_readsBoth() {
        assertThat(LongPoll.from(query("minVersion", "7", "wait", "1m30s")))
                .contains(new LongPoll(7, Duration.ofSeconds(60)));
        assertThat(LongPoll.from(query("minVersion", "0", "wait", "250ms")))
                .contains(new LongPoll(0, Duration.ofMillis(250)));
    }

    @Test
    void from_minVersionAlone_waitsNothing() {
        assertThat(LongPoll.from(query("minVersion", "3"))).contains(new LongPoll(3, Duration.ZERO));
    }

    @Test
    void from_waitAboveCap_isCapped() {
        assertThat(LongPoll.from(query("minVersion", "1", "wait", "1h"))
                        .orElseThrow()
                        .maxWait())
                .isEqualTo(LongPoll.MAX_WAIT);
    }

    @Test
    void from_badParameter_throwsNamingIt() {
        assertThatThrownBy(() -> LongPoll.from(query("wait", "5s")))
                .isInstanceOf(LongPoll.BadParameter.class)
                .hasMessageStartingWith("wait needs minVersion");
        for (String version : new String[] {"-1", "x", "1e3", " 1", "1 ", "", "9999999999999999999", "+1"}) {
            assertThatThrownBy(() -> LongPoll.from(query("minVersion", version)))
                    .as(version)
                    .isInstanceOf(LongPoll.BadParameter.class)
                    .hasMessageStartingWith("minVersion");
        }
        for (String wait : new String[] {"5", "x", "-1s", "5 s", "", "1.5s"}) {
            assertThatThrownBy(() -> LongPoll.from(query("minVersion", "1", "wait", wait)))
                    .as(wait)
                    .isInstanceOf(LongPoll.BadParameter.class)
                    .hasMessageStartingWith("wait: ");
        }
        assertThatThrownBy(() -> LongPoll.from(query("minVersion", "1", "wait", "1s", "wait", "2s")))
                .hasMessage("wait is given more than once");
    }

    @Test
    void isSatisfiedBy_versionAtOrAbove_isTrue() {
        LongPoll poll = new LongPoll(5, Duration.ZERO);

        assertThat(poll.isSatisfiedBy(4)).isFalse();
        assertThat(poll.isSatisfiedBy(5)).isTrue();
        assertThat(poll.isSatisfiedBy(6)).isTrue();
    }

    private static MultiMap query(String... namesAndValues) {
        MultiMap query = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return query;
    }
}
