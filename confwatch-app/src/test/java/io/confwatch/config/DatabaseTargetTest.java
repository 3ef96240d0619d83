package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTargetTest {

    @Test
    void fromUrl_fullUri_readsEveryPart() {
        DatabaseTarget target =
                DatabaseTarget.fromUrl("postgresql://app:pw@db.example.com:6432/config?sslmode=verify-full");

        assertThat(target.host()).isEqualTo("db.example.com");
        assertThat(target.port()).isEqualTo(6432);
        assertThat(target.database()).isEqualTo("config");
        assertThat(target.user()).isEqualTo("app");
        assertThat(target.password()).contains(Secret.of("pw"));
        assertThat(target.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    }

    @Test
    void fromUrl_postgresScheme_isAccepted() {
        assertThat(DatabaseTarget.fromUrl("postgres://app@db/config").describe())
                .isEqualTo("db:5432/config as app");
    }

    @Test
    void fromUrl_uppercaseScheme_isAccepted() {
        assertThat(DatabaseTarget.fromUrl("PostgreSQL://app@db/config").host()).isEqualTo("db");
    }

    @Test
    void fromUrl_percentEncodedPassword_isDecoded() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://app:p%40ss%2Fw%3Ard%25+%C3%A9@db/config");

        assertThat(target.password().map(Secret::reveal)).contains("p@ss/w:rd%+é");
    }

    @Test
    void fromUrl_unencodedAtInPassword_usesLastAt() {
        assertThat(DatabaseTarget.fromUrl("postgresql://app:p@ss@db/config")
                        .password()
                        .map(Secret::reveal))
                .contains("p@ss");
    }

    @Test
    void fromUrl_percentEncodedUserAndDatabase_areDecoded() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://app%2Bro@db/my%20config");

        assertThat(target.user()).isEqualTo("app+ro");
        assertThat(target.database()).isEqualTo("my config");
    }

    @Test
    void fromUrl_ipv6HostWithPort_isUnbracketed() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://app@[::1]:5433/config");

        assertThat(target.host()).isEqualTo("::1");
        assertThat(target.port()).isEqualTo(5433);
        assertThat(target.describe()).isEqualTo("[::1]:5433/config as app");
    }

    @Test
    void fromUrl_ipv6HostWithoutPort_usesDefaultPort() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://[2001:db8::5]/config");

        assertThat(target.host()).isEqualTo("2001:db8::5");
        assertThat(target.port()).isEqualTo(5432);
    }

    @Test
    void fromUrl_onlyScheme_usesLibpqDefaults() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://");

        assertThat(target.describe()).isEqualTo("localhost:5432/postgres as postgres");
        assertThat(target.password()).isEmpty();
        assertThat(target.sslMode()).isEqualTo(SslMode.PREFER);
    }

    @Test
    void fromUrl_noDatabase_defaultsToUser() {
        assertThat(DatabaseTarget.fromUrl("postgresql://app@db:5432/").database())
                .isEqualTo("app");
        assertThat(DatabaseTarget.fromUrl("postgresql://app@db").database()).isEqualTo("app");
    }

    @Test
    void fromUrl_emptyPassword_meansNoPassword() {
        assertThat(DatabaseTarget.fromUrl("postgresql://app:@db/config").password())
                .isEmpty();
    }

    @Test
    void fromUrl_encodedSlashInDatabase_isDecoded() {
        assertThat(DatabaseTarget.fromUrl("postgresql://db/a%2Fb").database()).isEqualTo("a/b");
    }

    @Test
    void fromUrl_encodedSocketDirectoryHost_isDecoded() {
        assertThat(DatabaseTarget.fromUrl("postgresql://app@%2Fvar%2Frun%2Fpostgresql/config")
                        .host())
                .isEqualTo("/var/run/postgresql");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "jdbc:postgresql://db/config | not a postgresql:// or postgres:// URI",
                "mysql://db/config | not a postgresql:// or postgres:// URI",
                "db.example.com | not a postgresql:// or postgres:// URI",
                "postgresql://db:0/config | port 0 is not between 1 and 65535",
                "postgresql://db:70000/config | port 70000 is not between 1 and 65535",
                "postgresql://db:abc/config | port \"abc\" is not a number",
                "postgresql://db1,db2/config | multiple hosts are not supported",
                "postgresql://db1:5432,db2:5432/config | multiple hosts are not supported",
                "postgresql://[::1/config | IPv6 host without closing ']'",
                "postgresql://[::1]x/config | unexpected text after the IPv6 host",
                "postgresql://::1/config | put an IPv6 host in brackets",
                "postgresql://db/config?application_name=x | unsupported parameter \"application_name\"",
                "postgresql://db/config?sslmode=on | sslmode=\"on\" is not one of disable, allow, prefer, require, verify-ca, verify-full",
                "postgresql://db/config#frag | a fragment ('#') is not allowed",
                "postgresql://db/a/b | unexpected '/' in the database name",
                "postgresql://%20@db/config | the user: must not be blank",
                "postgresql://%20/config | the host: not a host name",
                "postgresql://db/con%zzfig | bad percent-encoding in the database",
                "postgresql://app:pa/ss@db/config | percent-encode '/', '?', '#' in the password",
                "postgresql://app:pa?ss@db/config | percent-encode '/', '?', '#' in the password",
                "postgresql://app:%FF@db/config | the password is not valid UTF-8",
            })
    void fromUrl_invalidUri_throwsNamingTheUrlVariable(String url, String reason) {
        assertThatThrownBy(() -> DatabaseTarget.fromUrl(url)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.variable()).isEqualTo("CONFWATCH_DATABASE_URL");
            assertThat(e.getMessage()).startsWith("CONFWATCH_DATABASE_URL=").contains(reason);
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgresql://app:Sup3rS3cret@db:70000/config",
                "postgresql://app:Sup3rS3cret@db/config?application_name=x",
                "postgresql://app:Sup3rS3cret@db/config?sslmode=bogus",
                "postgresql://app:Sup3rS3cret@db1,db2/config",
                "postgresql://app:Sup3rS3cret@db/config?password=Sup3rS3cret",
                "postgresql://app:Sup/3rS3cret@db/config",
                "postgresql://app:Sup3r?S3cret@db/config",
                "postgresql://app:Sup3r#S3cret@db/config",
                "postgresql://app:Sup3rS3cret%zz@db/config",
                "jdbc:postgresql://db/config?user=app&password=Sup3rS3cret",
                "app:Sup3rS3cret@db/config",
                "postgresql://db/config?password=Sup3rS3cret&sslmode=require",
            })
    void fromUrl_invalidUriWithPassword_neverShowsPassword(String url) {
        assertThatThrownBy(() -> DatabaseTarget.fromUrl(url)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).doesNotContain("Sup3r").doesNotContain("S3cret");
            assertThat(e.value()).doesNotContain("Sup3r").doesNotContain("S3cret");
        });
    }

    @Test
    void fromUrl_invalidUri_showsUrlWithPasswordRedacted() {
        assertThatThrownBy(() -> DatabaseTarget.fromUrl("postgresql://app:pw@db:99999/config"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.value())
                        .isEqualTo("postgresql://app:<redacted>@db:99999/config"));
    }

    @Test
    void toString_withPassword_neverShowsPassword() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://app:Sup3rS3cret@db/config");

        assertThat(target.toString()).doesNotContain("Sup3rS3cret").contains("<redacted>");
        assertThat(target.describe()).isEqualTo("db:5432/config as app");
    }

    @Test
    void of_validParts_hasNoPasswordAndPreferSsl() {
        DatabaseTarget target = DatabaseTarget.of("localhost", 5432, "postgres", "postgres");

        assertThat(target.password()).isEmpty();
        assertThat(target.sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(target.withPassword("pw").password()).contains(Secret.of("pw"));
        assertThat(target.withSslMode(SslMode.REQUIRE).sslMode()).isEqualTo(SslMode.REQUIRE);
    }

    @Test
    void new_invalidPart_throwsNamingLibpqVariable() {
        assertThatThrownBy(() -> DatabaseTarget.of("db", 0, "config", "app"))
                .hasMessage("PGPORT=\"0\": must be between 1 and 65535");
        assertThatThrownBy(() -> DatabaseTarget.of(" ", 5432, "config", "app"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGHOST"));
        assertThatThrownBy(() -> DatabaseTarget.of("a,b", 5432, "config", "app"))
                .hasMessageContaining("multiple hosts are not supported");
        assertThatThrownBy(() -> DatabaseTarget.of("db", 5432, "", "app"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGDATABASE"));
        assertThatThrownBy(() -> DatabaseTarget.of("db", 5432, "config", ""))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGUSER"));
    }

    @Test
    void new_nullPart_throwsNullPointer() {
        assertThatThrownBy(() -> new DatabaseTarget("db", 5432, "config", "app", null, SslMode.PREFER))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DatabaseTarget("db", 5432, "config", "app", Optional.empty(), null))
                .isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "disable, DISABLE",
        "allow, ALLOW",
        "prefer, PREFER",
        "require, REQUIRE",
        "verify-ca, VERIFY_CA",
        "verify-full, VERIFY_FULL"
    })
    void fromUrl_eachSslMode_isParsed(String text, SslMode mode) {
        assertThat(DatabaseTarget.fromUrl("postgresql://db/config?sslmode=" + text)
                        .sslMode())
                .isEqualTo(mode);
    }
}
