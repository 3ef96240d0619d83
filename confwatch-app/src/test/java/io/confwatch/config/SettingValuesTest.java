package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Valid and invalid forms of every worker setting, read through {@link WorkerConfig#fromEnv}. */
class SettingValuesTest {

    static Stream<Arguments> validValues() {
        return Stream.of(
                valid("CONFWATCH_HTTP_HOST", "127.0.0.1", c -> c.http().host(), "127.0.0.1"),
                valid("CONFWATCH_HTTP_HOST", "::", c -> c.http().host(), "::"),
                valid("CONFWATCH_HTTP_HOST", "localhost", c -> c.http().host(), "localhost"),
                valid("CONFWATCH_HTTP_PORT", "0", c -> c.http().port(), 0),
                valid("CONFWATCH_HTTP_PORT", "1", c -> c.http().port(), 1),
                valid("CONFWATCH_HTTP_PORT", "65535", c -> c.http().port(), 65535),
                valid(
                        "CONFWATCH_ADMIN_TOKEN",
                        "0123456789abcdef",
                        c -> c.http().adminToken().orElseThrow().reveal(),
                        "0123456789abcdef"),
                valid("CONFWATCH_CHANNEL", "my_changes_2", c -> c.listener().channel(), "my_changes_2"),
                valid("CONFWATCH_CHANNEL", "_x", c -> c.listener().channel(), "_x"),
                valid("CONFWATCH_CHANNEL", "a".repeat(63), c -> c.listener().channel(), "a".repeat(63)),
                valid("CONFWATCH_MODE", "listen", WorkerConfig::mode, Mode.LISTEN),
                valid("CONFWATCH_MODE", "poll", WorkerConfig::mode, Mode.POLL),
                valid("CONFWATCH_MODE", "POLL", WorkerConfig::mode, Mode.POLL),
                valid("CONFWATCH_POLL_INTERVAL", "200ms", c -> c.reload().pollInterval(), Duration.ofMillis(200)),
                valid("CONFWATCH_SWEEP_INTERVAL", "1m30s", c -> c.reload().sweepInterval(), Duration.ofSeconds(90)),
                valid(
                        "CONFWATCH_FULL_RELOAD_INTERVAL",
                        "1h",
                        c -> c.reload().fullReloadInterval(),
                        Duration.ofHours(1)),
                valid("CONFWATCH_SWEEP_FULL_INTERVAL", "1h", c -> c.reload().sweepFullInterval(), Duration.ofHours(1)),
                valid(
                        "CONFWATCH_SWEEP_FULL_INTERVAL",
                        "500ms",
                        c -> c.reload().sweepFullInterval(),
                        Duration.ofMillis(500)),
                valid("CONFWATCH_CHANGE_RETENTION", "30d", c -> c.retention().changeRetention(), Duration.ofDays(30)),
                valid("CONFWATCH_RETENTION_INTERVAL", "10m", c -> c.retention().interval(), Duration.ofMinutes(10)),
                valid("CONFWATCH_POOL_SIZE", "1", c -> c.pool().size(), 1),
                valid("CONFWATCH_POOL_SIZE", "100", c -> c.pool().size(), 100),
                valid("CONFWATCH_POOL_SIZE", "10", c -> c.pool().maxConcurrentLoads(), 10),
                valid("CONFWATCH_MAX_CONCURRENT_LOADS", "1", c -> c.pool().maxConcurrentLoads(), 1),
                valid("CONFWATCH_MAX_CONCURRENT_LOADS", "4", c -> c.pool().maxConcurrentLoads(), 4),
                valid("CONFWATCH_LOAD_BATCH_SIZE", "1", c -> c.reload().loadBatchSize(), 1),
                valid("CONFWATCH_LOAD_BATCH_SIZE", "10000", c -> c.reload().loadBatchSize(), 10000),
                valid("CONFWATCH_DELTA_MAX_VERSIONS", "0", c -> c.reload().isDeltaLoadEnabled(), false),
                valid("CONFWATCH_DELTA_MAX_VERSIONS", "10000", c -> c.reload().deltaMaxVersions(), 10000),
                valid("CONFWATCH_QUERY_TIMEOUT", "2s", c -> c.pool().queryTimeout(), Duration.ofSeconds(2)),
                valid("CONFWATCH_CONNECT_TIMEOUT", "750ms", c -> c.pool().connectTimeout(), Duration.ofMillis(750)),
                valid(
                        "CONFWATCH_HEARTBEAT_INTERVAL",
                        "1s",
                        c -> c.listener().heartbeatInterval(),
                        Duration.ofSeconds(1)),
                valid(
                        "CONFWATCH_HEARTBEAT_TIMEOUT",
                        "500ms",
                        c -> c.listener().heartbeatTimeout(),
                        Duration.ofMillis(500)),
                valid("CONFWATCH_PROBE_INTERVAL", "1m", c -> c.listener().probeInterval(), Duration.ofMinutes(1)),
                valid("CONFWATCH_PROBE_TIMEOUT", "9999ms", c -> c.listener().probeTimeout(), Duration.ofMillis(9999)),
                valid(
                        "CONFWATCH_RECONNECT_MIN_BACKOFF",
                        "10s",
                        c -> c.listener().reconnectMinBackoff(),
                        Duration.ofSeconds(10)),
                valid(
                        "CONFWATCH_RECONNECT_MAX_BACKOFF",
                        "250ms",
                        c -> c.listener().reconnectMaxBackoff(),
                        Duration.ofMillis(250)),
                valid(
                        "CONFWATCH_RELOAD_RETRY_MIN_BACKOFF",
                        "60s",
                        c -> c.reload().retryMinBackoff(),
                        Duration.ofSeconds(60)),
                valid(
                        "CONFWATCH_RELOAD_RETRY_MAX_BACKOFF",
                        "1h",
                        c -> c.reload().retryMaxBackoff(),
                        Duration.ofHours(1)),
                valid("CONFWATCH_SHUTDOWN_TIMEOUT", "1m", WorkerConfig::shutdownTimeout, Duration.ofMinutes(1)),
                valid("CONFWATCH_SHARD", "2/5", WorkerConfig::shard, new Shard(2, 5)),
                valid("CONFWATCH_WORKER_ID", "pod-a.b_c", WorkerConfig::workerId, "pod-a.b_c"),
                valid("CONFWATCH_LOG_FORMAT", "json", c -> c.logging().format(), LogFormat.JSON),
                valid("CONFWATCH_LOG_FORMAT", "TEXT", c -> c.logging().format(), LogFormat.TEXT),
                valid("CONFWATCH_LOG_LEVEL", "debug", c -> c.logging().level(), LogLevel.DEBUG),
                valid("CONFWATCH_LOG_LEVEL", "TRACE", c -> c.logging().level(), LogLevel.TRACE),
                valid("CONFWATCH_LOG_LEVEL", "ERROR", c -> c.logging().level(), LogLevel.ERROR),
                valid("CONFWATCH_POD_NAME", "anything", WorkerConfig::shard, Shard.NONE),
                valid("CONFWATCH_TEST_DATABASE_URL", "postgresql://x", WorkerConfig::isEmbedded, true));
    }

    private static Arguments valid(
            String variable, String value, Function<WorkerConfig, Object> read, Object expected) {
        return arguments(variable, value, read, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("validValues")
    void fromEnv_validValue_isRead(
            String variable, String value, Function<WorkerConfig, Object> read, Object expected) {
        assertThat(read.apply(WorkerConfig.fromEnv(Map.of(variable, value)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "CONFWATCH_HTTP_HOST | 'bad host' | not a host name or IP address",
                "CONFWATCH_HTTP_HOST | http://x | not a host name or IP address",
                "CONFWATCH_HTTP_PORT | -1 | must be between 0 and 65535",
                "CONFWATCH_HTTP_PORT | 65536 | must be between 0 and 65535",
                "CONFWATCH_HTTP_PORT | 80a | not a whole number",
                "CONFWATCH_HTTP_PORT | 8080.0 | not a whole number",
                "CONFWATCH_HTTP_PORT | 99999999999 | out of range",
                "CONFWATCH_CHANNEL | Confwatch | must be a lower-case PostgreSQL identifier",
                "CONFWATCH_CHANNEL | 1changes | must be a lower-case PostgreSQL identifier",
                "CONFWATCH_CHANNEL | my-changes | must be a lower-case PostgreSQL identifier",
                "CONFWATCH_CHANNEL | x;drop | must be a lower-case PostgreSQL identifier",
                "CONFWATCH_MODE | push | must be one of listen, poll",
                "CONFWATCH_POLL_INTERVAL | 0 | must be positive",
                "CONFWATCH_POLL_INTERVAL | 1 | missing unit after 1",
                "CONFWATCH_SWEEP_INTERVAL | abc | not a duration (use e.g. 500ms, 30s, 15m, 1h, 7d)",
                "CONFWATCH_SWEEP_INTERVAL | 0s | must be positive",
                "CONFWATCH_SWEEP_INTERVAL | -30s | must not be negative",
                "CONFWATCH_FULL_RELOAD_INTERVAL | 15 | missing unit after 15",
                "CONFWATCH_SWEEP_FULL_INTERVAL | 0s | must be positive",
                "CONFWATCH_SWEEP_FULL_INTERVAL | often | not a duration (use e.g. 500ms, 30s, 15m, 1h, 7d)",
                "CONFWATCH_SWEEP_FULL_INTERVAL | -5m | must not be negative",
                "CONFWATCH_CHANGE_RETENTION | 0 | must be positive",
                "CONFWATCH_CHANGE_RETENTION | 1y | unknown unit",
                "CONFWATCH_RETENTION_INTERVAL | 0ms | must be positive",
                "CONFWATCH_POOL_SIZE | 0 | must be between 1 and 100",
                "CONFWATCH_POOL_SIZE | 101 | must be between 1 and 100",
                "CONFWATCH_POOL_SIZE | four | not a whole number",
                "CONFWATCH_MAX_CONCURRENT_LOADS | 5 | must not exceed CONFWATCH_POOL_SIZE (4)",
                "CONFWATCH_MAX_CONCURRENT_LOADS | 0 | must be between 1 and 4",
                "CONFWATCH_LOAD_BATCH_SIZE | 0 | must be between 1 and 10000",
                "CONFWATCH_LOAD_BATCH_SIZE | 10001 | must be between 1 and 10000",
                "CONFWATCH_DELTA_MAX_VERSIONS | -1 | must be between 0 and 10000",
                "CONFWATCH_QUERY_TIMEOUT | 0 | must be positive",
                "CONFWATCH_CONNECT_TIMEOUT | 5 | missing unit after 5",
                "CONFWATCH_HEARTBEAT_INTERVAL | 0 | must be positive",
                "CONFWATCH_HEARTBEAT_TIMEOUT | 0 | must be positive",
                "CONFWATCH_HEARTBEAT_TIMEOUT | 3 | missing unit after 3",
                "CONFWATCH_PROBE_INTERVAL | 5s | must be shorter than CONFWATCH_PROBE_INTERVAL",
                "CONFWATCH_PROBE_TIMEOUT | 10s | must be shorter than CONFWATCH_PROBE_INTERVAL (10s)",
                "CONFWATCH_PROBE_TIMEOUT | 0 | must be positive",
                "CONFWATCH_RECONNECT_MIN_BACKOFF | 11s | must not exceed CONFWATCH_RECONNECT_MAX_BACKOFF (10s)",
                "CONFWATCH_RECONNECT_MAX_BACKOFF | 100ms | must not exceed CONFWATCH_RECONNECT_MAX_BACKOFF (100ms)",
                "CONFWATCH_RELOAD_RETRY_MIN_BACKOFF | 2m | must not exceed CONFWATCH_RELOAD_RETRY_MAX_BACKOFF (1m)",
                "CONFWATCH_RELOAD_RETRY_MAX_BACKOFF | 500ms | must not exceed CONFWATCH_RELOAD_RETRY_MAX_BACKOFF (500ms)",
                "CONFWATCH_SHUTDOWN_TIMEOUT | 0 | must be positive",
                "CONFWATCH_WORKER_ID | 'a b' | must be 1–63 characters",
                "CONFWATCH_WORKER_ID | a\"b | must be 1–63 characters",
                "CONFWATCH_LOG_FORMAT | xml | must be one of text, json",
                "CONFWATCH_LOG_LEVEL | WARNING | must be one of TRACE, DEBUG, INFO, WARN, ERROR",
            })
    void fromEnv_invalidValue_throwsNamingSettingAndValue(String variable, String value, String problem) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).contains(problem).contains("=\"");
                    assertThat(e.getMessage()).startsWith(e.variable() + "=");
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "CONFWATCH_SWEEP_INTERVAL | abc | CONFWATCH_SWEEP_INTERVAL=\"abc\": not a duration (use e.g. 500ms, 30s, 15m, 1h, 7d)",
                "CONFWATCH_POOL_SIZE | 0 | CONFWATCH_POOL_SIZE=\"0\": must be between 1 and 100",
                "CONFWATCH_PROBE_TIMEOUT | 10s | CONFWATCH_PROBE_TIMEOUT=\"10s\": must be shorter than CONFWATCH_PROBE_INTERVAL (10s)",
                "CONFWATCH_MAX_CONCURRENT_LOADS | 8 | CONFWATCH_MAX_CONCURRENT_LOADS=\"8\": must not exceed CONFWATCH_POOL_SIZE (4)",
            })
    void fromEnv_invalidValue_hasExactMessage(String variable, String value, String message) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e).hasMessage(message);
                    assertThat(e.variable()).isEqualTo(variable);
                    assertThat(e.value()).isEqualTo(value);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'short-token'           | shorter than 16 characters",
                "'0123456789abcdef\n'    | only printable ASCII without spaces",
                "'0123456789 abcdef'     | only printable ASCII without spaces",
                "'0123456789abcdéf'      | only printable ASCII without spaces",
            })
    void fromEnv_invalidAdminToken_throwsWithoutShowingIt(String token, String problem) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_ADMIN_TOKEN", token)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage())
                            .startsWith("CONFWATCH_ADMIN_TOKEN=<redacted>: ")
                            .contains(problem);
                    assertThat(e.getMessage()).doesNotContain(token.strip()).doesNotContain("short-token");
                    assertThat(e.value()).isEqualTo("<redacted>");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "CONFWATCH_PROBE_INTERVAL=2s, CONFWATCH_PROBE_TIMEOUT=1s | ok",
                "CONFWATCH_PROBE_INTERVAL=2s, CONFWATCH_PROBE_TIMEOUT=2s | CONFWATCH_PROBE_TIMEOUT",
                "CONFWATCH_RECONNECT_MIN_BACKOFF=1s, CONFWATCH_RECONNECT_MAX_BACKOFF=1s | ok",
                "CONFWATCH_RECONNECT_MIN_BACKOFF=2s, CONFWATCH_RECONNECT_MAX_BACKOFF=1s | CONFWATCH_RECONNECT_MIN_BACKOFF",
                "CONFWATCH_RELOAD_RETRY_MIN_BACKOFF=5m, CONFWATCH_RELOAD_RETRY_MAX_BACKOFF=5m | ok",
                "CONFWATCH_RELOAD_RETRY_MIN_BACKOFF=5m1ms, CONFWATCH_RELOAD_RETRY_MAX_BACKOFF=5m | CONFWATCH_RELOAD_RETRY_MIN_BACKOFF",
                "CONFWATCH_POOL_SIZE=10, CONFWATCH_MAX_CONCURRENT_LOADS=10 | ok",
                "CONFWATCH_POOL_SIZE=2, CONFWATCH_MAX_CONCURRENT_LOADS=3 | CONFWATCH_MAX_CONCURRENT_LOADS",
            })
    void fromEnv_relatedSettings_areCheckedTogether(String assignments, String outcome) {
        Map<String, String> env = new java.util.HashMap<>();
        for (String assignment : assignments.split(",\\s*")) {
            String[] parts = assignment.split("=", 2);
            env.put(parts[0], parts[1]);
        }

        if (outcome.equals("ok")) {
            assertThat(WorkerConfig.fromEnv(env)).isNotNull();
        } else {
            assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
                    .isInstanceOfSatisfying(
                            ConfigException.class, e -> assertThat(e.variable()).isEqualTo(outcome));
        }
    }
}
