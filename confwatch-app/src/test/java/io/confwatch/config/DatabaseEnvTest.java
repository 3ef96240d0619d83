package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The database target as selected by libpq's variables, {@code CONFWATCH_DATABASE_URL} or neither. */
class DatabaseEnvTest {

    private static DatabaseTarget target(Map<String, String> env) {
        return WorkerConfig.fromEnv(env).database().orElseThrow();
    }

    @Test
    void fromEnv_noDatabaseVariables_isEmbedded() {
        assertThat(WorkerConfig.fromEnv(Map.of("USER", "alice", "PGDATA", "/var/lib/pg"))
                        .isEmbedded())
                .isTrue();
    }

    @Test
    void fromEnv_allLibpqVariables_areRead() {
        DatabaseTarget target = target(Map.of(
                "PGHOST", "db.internal",
                "PGPORT", "6543",
                "PGDATABASE", "config",
                "PGUSER", "confwatch",
                "PGPASSWORD", " pw with spaces ",
                "PGSSLMODE", "verify-full"));

        assertThat(target.describe()).isEqualTo("db.internal:6543/config as confwatch");
        assertThat(target.password().map(Secret::reveal)).contains(" pw with spaces ");
        assertThat(target.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    }

    @Test
    void fromEnv_onlyPgPassword_usesLibpqDefaults() {
        DatabaseTarget target = target(Map.of("PGPASSWORD", "pw"));

        assertThat(target.describe()).isEqualTo("localhost:5432/postgres as postgres");
        assertThat(target.sslMode()).isEqualTo(SslMode.PREFER);
    }

    @Test
    void fromEnv_userEnvAndNoPgUser_defaultsUserAndDatabaseToIt() {
        assertThat(target(Map.of("PGHOST", "db", "USER", "alice")).describe()).isEqualTo("db:5432/alice as alice");
    }

    @Test
    void fromEnv_pgUserWithoutDatabase_defaultsDatabaseToUser() {
        assertThat(target(Map.of("PGUSER", "app", "USER", "alice")).database()).isEqualTo("app");
    }

    @Test
    void fromEnv_urlWithoutUser_defaultsToUserEnv() {
        assertThat(target(Map.of("CONFWATCH_DATABASE_URL", "postgresql://db", "USER", "alice"))
                        .describe())
                .isEqualTo("db:5432/alice as alice");
    }

    @Test
    void fromEnv_url_isRead() {
        DatabaseTarget target = target(Map.of("CONFWATCH_DATABASE_URL", "postgres://app:p%40ss@[::1]:5433/config"));

        assertThat(target.describe()).isEqualTo("[::1]:5433/config as app");
        assertThat(target.password().map(Secret::reveal)).contains("p@ss");
    }

    @Test
    void fromEnv_urlAndLibpqVariables_throwsNamingBoth() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(
                        "CONFWATCH_DATABASE_URL", "postgresql://app:Sup3rS3cret@db/config",
                        "PGHOST", "other",
                        "PGPASSWORD", "An0therS3cret")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("CONFWATCH_DATABASE_URL");
                    assertThat(e)
                            .hasMessage("CONFWATCH_DATABASE_URL=\"postgresql://app:<redacted>@db/config\": conflicts "
                                    + "with PGHOST, PGPASSWORD: set either CONFWATCH_DATABASE_URL or the PG* "
                                    + "variables, not both");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "true", "REQUIRE", "verify_full"})
    void fromEnv_invalidSslMode_throwsListingModes(String mode) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("PGSSLMODE", mode)))
                .hasMessage("PGSSLMODE=\"" + mode
                        + "\": must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1"})
    void fromEnv_pgPortOutOfRange_throws(String port) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("PGPORT", port)))
                .hasMessage("PGPORT=\"" + port + "\": must be between 1 and 65535");
    }

    @Test
    void fromEnv_pgPortNotNumber_throws() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("PGPORT", "postgres")))
                .hasMessage("PGPORT=\"postgres\": not a whole number");
    }

    @Test
    void fromEnv_multipleHosts_throws() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("PGHOST", "db1,db2")))
                .hasMessage("PGHOST=\"db1,db2\": multiple hosts are not supported: name the primary only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PGSSLCRL", "PGSERVICE", "PGHOSTADDR", "PGREQUIRESSL"})
    void fromEnv_unsupportedLibpqVariable_throwsNamingIt(String variable) {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(variable, "x")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(variable))
                .hasMessageContaining("not supported by ConfWatch");
    }

    @Test
    void fromEnv_invalidPgPort_neverShowsPgPassword() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("PGPORT", "x", "PGPASSWORD", "Sup3rS3cret")))
                .message()
                .doesNotContain("Sup3rS3cret");
    }

    @Test
    void fromEnv_invalidUrl_neverShowsPassword() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(
                        Map.of("CONFWATCH_DATABASE_URL", "postgresql://app:Sup3rS3cret@db:0/config")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("Sup3rS3cret").contains("<redacted>");
                    assertThat(e.value()).doesNotContain("Sup3rS3cret");
                });
    }
}
