package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnknownVariablesTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "CONFWATCH_SWEEP_INTERVALL, CONFWATCH_SWEEP_INTERVAL",
        "CONFWATCH_SWEEPINTERVAL, CONFWATCH_SWEEP_INTERVAL",
        "CONFWATCH_SWEEP_INTERVALS, CONFWATCH_SWEEP_INTERVAL",
        "CONFWATCH_POLLINTERVAL, CONFWATCH_POLL_INTERVAL",
        "CONFWATCH_ADMIN_TOKN, CONFWATCH_ADMIN_TOKEN",
        "CONFWATCH_HTTPPORT, CONFWATCH_HTTP_PORT",
        "CONFWATCH_PORT, CONFWATCH_HTTP_PORT",
        "CONFWATCH_LOGLEVEL, CONFWATCH_LOG_LEVEL",
        "CONFWATCH_LEVEL, CONFWATCH_LOG_LEVEL",
        "CONFWATCH_BACKOFF_MAX_RECONNECT, CONFWATCH_RECONNECT_MAX_BACKOFF",
        "CONFWATCH_DB_POOL_SIZE, CONFWATCH_POOL_SIZE",
        "confwatch_http_port, CONFWATCH_HTTP_PORT",
        "CONFWATCH_DATABASE_URI, CONFWATCH_DATABASE_URL",
    })
    void fromEnv_typo_throwsWithSuggestion(String typo, String meant) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(typo, "30s")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo(typo);
                    assertThat(e.getMessage()).contains("unknown setting; did you mean " + meant + "?");
                });
    }

    @Test
    void fromEnv_typo_hasExactMessage() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_SWEEP_INTERVALL", "45s")))
                .hasMessage("CONFWATCH_SWEEP_INTERVALL=<redacted>: unknown setting; did you mean "
                        + "CONFWATCH_SWEEP_INTERVAL? (see docs/configuration.md)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONFWATCH_INTERVAL", "CONFWATCH_FOO", "CONFWATCH_", "CONFWATCH_ENABLE_MAGIC_MODE_NOW"})
    void fromEnv_unknownWithoutCloseMatch_throwsWithoutSuggestion(String name) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(name, "x")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(name))
                .hasMessageContaining("unknown setting")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void fromEnv_unknownVariable_neverShowsItsValue() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_ADMIN_TOKN", "Sup3rS3cretT0ken!!")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("Sup3rS3cret");
                    assertThat(e.value()).isEqualTo("<redacted>");
                });
    }

    @Test
    void fromEnv_otherPrefixes_areIgnored() {
        assertThat(WorkerConfig.fromEnv(
                                Map.of("PATH", "/bin", "PGDATA", "/x", "MY_CONFWATCH_X", "1", "JAVA_OPTS", "-X"))
                        .isEmbedded())
                .isTrue();
    }

    @Test
    void fromEnv_kubernetesServiceLinks_areIgnored() {
        Map<String, String> env = Map.of(
                "CONFWATCH_SERVICE_HOST", "10.0.0.11",
                "CONFWATCH_SERVICE_PORT", "8080",
                "CONFWATCH_SERVICE_PORT_HTTP", "8080",
                "CONFWATCH_PORT", "tcp://10.0.0.11:8080",
                "CONFWATCH_PORT_8080_TCP", "tcp://10.0.0.11:8080",
                "CONFWATCH_PORT_8080_TCP_PROTO", "tcp",
                "CONFWATCH_PORT_8080_TCP_PORT", "8080",
                "CONFWATCH_PORT_8080_TCP_ADDR", "10.0.0.11",
                "CONFWATCH_METRICS_SERVICE_HOST", "10.0.0.12",
                "CONFWATCH_METRICS_PORT", "tcp://10.0.0.12:9090");

        assertThat(WorkerConfig.fromEnv(env).http().port()).isEqualTo(8080);
    }

    @Test
    void fromEnv_bareConfwatchPortWithoutServiceLinkValue_isTypo() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_PORT", "9090")))
                .hasMessageContaining("did you mean CONFWATCH_HTTP_PORT?");
    }

    @Test
    void fromEnv_severalUnknown_reportsFirstAlphabetically() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_ZZZ", "1", "CONFWATCH_AAA", "1")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_AAA"));
    }

    @Test
    void fromEnv_unknownVariableAndBadValue_reportsUnknownFirst() {
        assertThatThrownBy(() ->
                        WorkerConfig.fromEnv(Map.of("CONFWATCH_SWEEP_INTERVALL", "45s", "CONFWATCH_HTTP_PORT", "x")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_SWEEP_INTERVALL"));
    }

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, abc, 0", "flaw, lawn, 2"})
    void distance_pairs_isLevenshtein(String a, String b, int expected) {
        assertThat(UnknownVariables.distance(a, b)).isEqualTo(expected);
    }
}
