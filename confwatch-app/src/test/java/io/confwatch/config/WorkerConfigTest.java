package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    /**
     * The documented liveness bounds at the defaults (docs/architecture.md): a half-open listener is noticed within
     * heartbeat interval + heartbeat timeout, at most 10 s (issue 11); the reconnect cap stays below the probe bound
     * (probe interval + timeout), so a database that comes back is heard within one probe bound.
     */
    @Test
    void defaults_livenessBounds_matchTheDocumentedRelations() {
        ListenerSettings listener = WorkerConfig.defaults().listener();

        assertThat(listener.heartbeatInterval().plus(listener.heartbeatTimeout()))
                .isEqualTo(Duration.ofSeconds(7))
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(listener.reconnectMaxBackoff())
                .isLessThan(listener.probeInterval().plus(listener.probeTimeout()));
    }

    @Test
    void defaults_noVariables_matchDocumentedDefaults() {
        WorkerConfig config = WorkerConfig.defaults();

        assertThat(config.isEmbedded()).isTrue();
        assertThat(config.database()).isEmpty();
        assertThat(config.pool()).isEqualTo(new PoolSettings(4, 4, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().adminToken()).isEmpty();
        assertThat(config.mode()).isEqualTo(Mode.LISTEN);
        assertThat(config.listener())
                .isEqualTo(new ListenerSettings(
                        "confwatch_changes",
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(10)));
        assertThat(config.reload())
                .isEqualTo(new ReloadSettings(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(15),
                        500,
                        64,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(5),
                        new ReloadBudget(0.1)));
        assertThat(config.retention()).isEqualTo(new RetentionSettings(Duration.ofDays(7), Duration.ofHours(1)));
        assertThat(config.shard()).isEqualTo(Shard.NONE);
        assertThat(config.shard().isSharded()).isFalse();
        assertThat(config.workerId()).matches("worker-[0-9a-f]{8}");
        assertThat(config.logging()).isEqualTo(new LoggingSettings(LogFormat.TEXT, LogLevel.INFO));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.sweepInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fromEnv_everyLiteralDefaultSetExplicitly_equalsDefaults() {
        Map<String, String> env = new HashMap<>(Map.of("HOSTNAME", "confwatch-0"));
        for (Setting setting : Setting.values()) {
            setting.defaultValue().ifPresent(value -> env.put(setting.variable(), value));
        }

        assertThat(WorkerConfig.fromEnv(env)).isEqualTo(WorkerConfig.fromEnv(Map.of("HOSTNAME", "confwatch-0")));
    }

    @Test
    void fromEnv_everyLiteralDefault_parsesAndValidates() {
        for (Setting setting : Setting.values()) {
            setting.defaultValue()
                    .ifPresent(value -> assertThat(WorkerConfig.fromEnv(Map.of(setting.variable(), value)))
                            .as(setting.variable())
                            .isNotNull());
        }
    }

    @Test
    void fromEnv_blankValue_isTreatedAsUnset() {
        WorkerConfig config = WorkerConfig.fromEnv(
                Map.of("CONFWATCH_HTTP_PORT", "", "CONFWATCH_SWEEP_INTERVAL", "  ", "PGHOST", "", "HOSTNAME", "h"));

        assertThat(config).isEqualTo(WorkerConfig.fromEnv(Map.of("HOSTNAME", "h")));
    }

    @Test
    void fromEnv_surroundingWhitespace_isStripped() {
        WorkerConfig config = WorkerConfig.fromEnv(Map.of("CONFWATCH_HTTP_PORT", " 9090\n", "CONFWATCH_MODE", "poll "));

        assertThat(config.http().port()).isEqualTo(9090);
        assertThat(config.mode()).isEqualTo(Mode.POLL);
    }

    @Test
    void fromEnv_pollMode_sweepsEveryPollInterval() {
        WorkerConfig config =
                WorkerConfig.fromEnv(Map.of("CONFWATCH_MODE", "poll", "CONFWATCH_POLL_INTERVAL", "250ms"));

        assertThat(config.sweepInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void fromEnv_hostname_isDefaultWorkerId() {
        assertThat(WorkerConfig.fromEnv(Map.of("HOSTNAME", "confwatch-7f9c-abcde"))
                        .workerId())
                .isEqualTo("confwatch-7f9c-abcde");
    }

    @Test
    void fromEnv_workerIdSet_winsOverHostname() {
        assertThat(WorkerConfig.fromEnv(Map.of("HOSTNAME", "host", "CONFWATCH_WORKER_ID", "w1"))
                        .workerId())
                .isEqualTo("w1");
    }

    @Test
    void fromEnv_hostnameUnfitForProbes_fallsBackToRandomId() {
        assertThat(WorkerConfig.fromEnv(Map.of("HOSTNAME", "bad host\"")).workerId())
                .matches("worker-[0-9a-f]{8}");
    }

    @Test
    void defaults_twoCalls_haveDistinctWorkerIds() {
        assertThat(WorkerConfig.defaults().workerId())
                .isNotEqualTo(WorkerConfig.defaults().workerId());
    }

    @Test
    void withers_singleValue_overrideOnlyThatValue() {
        WorkerConfig base = WorkerConfig.defaults();
        DatabaseTarget target = DatabaseTarget.of("db", 5432, "config", "app");

        WorkerConfig changed = base.withHttpPort(0)
                .withDatabase(target)
                .withAdminToken("0123456789abcdef")
                .withMode(Mode.POLL)
                .withShard(new Shard(1, 3))
                .withWorkerId("test-worker")
                .withShutdownTimeout(Duration.ofSeconds(1))
                .withReload(base.reload().withSweepInterval(Duration.ofMillis(100)))
                .withListener(base.listener().withProbe(Duration.ofMillis(200), Duration.ofMillis(100)))
                .withPool(base.pool().withSize(2))
                .withRetention(new RetentionSettings(Duration.ofHours(1), Duration.ofMinutes(1)))
                .withLogging(new LoggingSettings(LogFormat.JSON, LogLevel.DEBUG));

        assertThat(changed.http().port()).isZero();
        assertThat(changed.http().host()).isEqualTo("0.0.0.0");
        assertThat(changed.database()).contains(target);
        assertThat(changed.isEmbedded()).isFalse();
        assertThat(changed.http().adminToken()).contains(Secret.of("0123456789abcdef"));
        assertThat(changed.mode()).isEqualTo(Mode.POLL);
        assertThat(changed.shard()).hasToString("1/3");
        assertThat(changed.workerId()).isEqualTo("test-worker");
        assertThat(changed.reload().sweepInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(changed.reload().fullReloadInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(changed.listener().probeTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(changed.pool().maxConcurrentLoads()).isEqualTo(2);
        assertThat(changed.withEmbeddedDatabase().isEmbedded()).isTrue();
        assertThat(base.http().port()).isEqualTo(8080);
    }

    @Test
    void withers_invalidValue_throwConfigExceptionNamingTheSetting() {
        WorkerConfig base = WorkerConfig.defaults();

        assertThatThrownBy(() -> base.withHttpPort(70000))
                .hasMessage("CONFWATCH_HTTP_PORT=\"70000\": must be between 0 and 65535");
        assertThatThrownBy(() -> base.withWorkerId("")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> base.withShutdownTimeout(Duration.ZERO))
                .hasMessage("CONFWATCH_SHUTDOWN_TIMEOUT=\"0\": must be positive");
        assertThatThrownBy(() -> base.withReload(base.reload().withSweepInterval(Duration.ofSeconds(-1))))
                .hasMessage("CONFWATCH_SWEEP_INTERVAL=\"PT-1S\": must be positive");
    }

    @Test
    void withers_null_throwNullPointer() {
        WorkerConfig base = WorkerConfig.defaults();

        assertThatNullPointerException().isThrownBy(() -> base.withDatabase(null));
        assertThatNullPointerException().isThrownBy(() -> base.withShard(null));
        assertThatNullPointerException().isThrownBy(() -> base.withShutdownTimeout(null));
        assertThatNullPointerException().isThrownBy(() -> WorkerConfig.fromEnv(null));
    }

    @Test
    void toString_withSecrets_neverShowsThem() {
        WorkerConfig config = WorkerConfig.fromEnv(Map.of(
                "PGPASSWORD", "Sup3rS3cretPw",
                "CONFWATCH_ADMIN_TOKEN", "T0ken-T0ken-T0ken-T0ken"));

        assertThat(config.toString())
                .doesNotContain("Sup3rS3cretPw")
                .doesNotContain("T0ken")
                .contains("<redacted>");
    }

    @Test
    void toString_fromUrlWithPassword_neverShowsIt() {
        WorkerConfig config =
                WorkerConfig.fromEnv(Map.of("CONFWATCH_DATABASE_URL", "postgresql://app:Sup3rS3cretPw@db/config"));

        assertThat(config.toString()).doesNotContain("Sup3rS3cretPw");
    }
}
