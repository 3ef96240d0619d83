package io.confwatch.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotificationParserTest {
    private static final String TENANT = "6f1c2b9e-7d3a-4c55-9e1f-2a3b4c5d6e7f";

    @Test
    void parse_contractPayload_isChangeHint() {
        assertThat(NotificationParser.parse("{\"tenant\":\"" + TENANT + "\",\"version\":42}"))
                .isEqualTo(new Notification.ChangeHint(UUID.fromString(TENANT), 42));
    }

    @Test
    void parse_fieldsInOtherOrderWithSpaces_isChangeHint() {
        assertThat(NotificationParser.parse(" { \"version\" : 7 , \"tenant\" : \"" + TENANT + "\" } "))
                .isEqualTo(new Notification.ChangeHint(UUID.fromString(TENANT), 7));
    }

    @Test
    void parse_probe_isProbe() {
        assertThat(NotificationParser.parse("{\"probe\":\"worker-1\",\"seq\":3}"))
                .isEqualTo(new Notification.Probe("worker-1", 3));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[]",
                "42",
                "not json",
                "{}",
                "{\"tenant\":\"" + TENANT + "\"}",
                "{\"version\":1}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":\"12\"}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":1.5}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":-1}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":99999999999999999999}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":1e3}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":null}",
                "{\"tenant\":\"not-a-uuid\",\"version\":1}",
                "{\"tenant\":\"1-1-1-1-1\",\"version\":1}",
                "{\"tenant\":42,\"version\":1}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":1,\"extra\":true}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":1,\"version\":2}",
                "{\"tenant\":\"" + TENANT + "\",\"version\":1}{}",
                "{\"tenant\":{\"nested\":[1]},\"version\":1}",
                "{\"probe\":\"w\"}",
                "{\"probe\":\"w\",\"seq\":1,\"tenant\":\"" + TENANT + "\",\"version\":1}"
            })
    void parse_hostileOrBrokenPayload_isMalformed(String payload) {
        assertThat(NotificationParser.parse(payload)).isInstanceOf(Notification.Malformed.class);
    }

    @Test
    void parse_oversizedPayload_isMalformedWithoutEchoingIt() {
        String payload = "{\"tenant\":\"" + TENANT + "\",\"version\":1,\"pad\":\"" + "x".repeat(7000) + "\"}";
        Notification parsed = NotificationParser.parse(payload);
        assertThat(parsed).isInstanceOf(Notification.Malformed.class);
        assertThat(((Notification.Malformed) parsed).reason()).hasSizeLessThan(200);
    }
}
