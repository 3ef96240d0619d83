package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.tls.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TLS settings: read from the PG* variables and the URL, checked at start, and what each sslmode then means. */
class TlsSettingsTest {
    @TempDir
    static Path dir;

    private static Path ca;
    private static Path cert;
    private static Path pkcs1;
    private static Path pkcs8;
    private static Path ecCert;
    private static Path sec1;
    private static Path otherKey;

    @BeforeAll
    static void mint() throws Exception {
        TestCertificates.Issued authority = TestCertificates.ca("CN=Test CA");
        TestCertificates.Issued second = TestCertificates.ca("CN=Second CA");
        ca = TestCertificates.writeCertificates(
                dir.resolve("bundle.pem"), authority.certificate(), second.certificate());
        KeyPair rsa = TestCertificates.rsaKeys();
        cert = TestCertificates.writeCertificates(
                dir.resolve("client.crt"),
                TestCertificates.client(authority, "app", rsa).certificate());
        pkcs1 = TestCertificates.writeTraditional(dir.resolve("pkcs1.key"), rsa.getPrivate());
        pkcs8 = TestCertificates.writePkcs8(dir.resolve("pkcs8.key"), rsa.getPrivate());
        KeyPair ec = TestCertificates.ecKeys();
        ecCert = TestCertificates.writeCertificates(
                dir.resolve("ec.crt"),
                TestCertificates.client(authority, "app", ec).certificate());
        sec1 = TestCertificates.writeTraditional(dir.resolve("sec1.key"), ec.getPrivate());
        otherKey = TestCertificates.writePkcs8(
                dir.resolve("other.key"), TestCertificates.ecKeys().getPrivate());
    }

    private static DatabaseTarget fromEnv(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "db");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return WorkerConfig.fromEnv(env).database().orElseThrow();
    }

    @Test
    void fromEnv_caBundleAndClientCertificate_areRead() {
        DatabaseTarget target = fromEnv(
                "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", ca.toString(),
                "PGSSLCERT", cert.toString(),
                "PGSSLKEY", pkcs1.toString());

        assertThat(target.tls())
                .isEqualTo(new TlsFiles(Optional.of(ca.toString()), Optional.of(cert), Optional.of(pkcs1)));
        TlsMaterial material = TlsMaterial.load(target.tls());
        assertThat(material.roots()).hasSize(2);
        assertThat(material.client()).isPresent();
        assertThat(material.client().orElseThrow().toString()).contains("<redacted>");
    }

    @Test
    void load_keysInEveryPemForm_matchTheirCertificates() {
        for (Path key : new Path[] {pkcs1, pkcs8}) {
            assertThat(TlsMaterial.load(new TlsFiles(Optional.empty(), Optional.of(cert), Optional.of(key)))
                            .client())
                    .isPresent();
        }
        assertThat(TlsMaterial.load(new TlsFiles(Optional.empty(), Optional.of(ecCert), Optional.of(sec1)))
                        .client())
                .isPresent();
    }

    @Test
    void fromEnv_missingRootCert_failsNamingVariableAndPath() {
        assertThatThrownBy(() -> fromEnv("PGSSLMODE", "verify-ca", "PGSSLROOTCERT", "/nope/ca.pem"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGSSLROOTCERT"))
                .hasMessage("PGSSLROOTCERT=\"/nope/ca.pem\": no such file");
    }

    @Test
    void fromEnv_rootCertNotPem_failsNamingVariable() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        assertThatThrownBy(() -> fromEnv("PGSSLROOTCERT", garbage.toString()))
                .hasMessage("PGSSLROOTCERT=\"" + garbage + "\": no PEM certificate in it "
                        + "(expected -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void fromEnv_rootCertIsADirectory_fails() {
        assertThatThrownBy(() -> fromEnv("PGSSLROOTCERT", dir.toString()))
                .hasMessageContaining("PGSSLROOTCERT=")
                .hasMessageEndingWith("is a directory, not a PEM file");
    }

    @Test
    void fromEnv_certificateWithoutKey_failsNamingTheOneSet() {
        assertThatThrownBy(() -> fromEnv("PGSSLCERT", cert.toString()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGSSLCERT"))
                .hasMessageContaining("needs both the certificate");
    }

    @Test
    void fromEnv_keyOfAnotherCertificate_failsNamingPgSslKey() {
        assertThatThrownBy(() -> fromEnv("PGSSLCERT", cert.toString(), "PGSSLKEY", otherKey.toString()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PGSSLKEY"))
                .hasMessageContaining("this key does not belong to the certificate in sslcert (CN=app)");
    }

    @Test
    void fromEnv_encryptedKey_failsWithoutShowingIt() throws Exception {
        Path encrypted = Files.writeString(
                dir.resolve("encrypted.key"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> fromEnv("PGSSLCERT", cert.toString(), "PGSSLKEY", encrypted.toString()))
                .hasMessageContaining("an encrypted private key is not supported")
                .hasMessageNotContaining("MIIB");
    }

    @Test
    void fromEnv_certificateAsKey_failsSayingNoKey() {
        assertThatThrownBy(() -> fromEnv("PGSSLCERT", cert.toString(), "PGSSLKEY", cert.toString()))
                .hasMessageContaining("PGSSLKEY=")
                .hasMessageContaining("no PEM private key in it");
    }

    @Test
    void fromUrl_tlsParameters_areRead() {
        DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://app:pw@db/config?sslmode=verify-full&sslrootcert="
                + ca + "&sslcert=" + ecCert + "&sslkey=" + sec1);

        assertThat(target.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(target.tls())
                .isEqualTo(new TlsFiles(Optional.of(ca.toString()), Optional.of(ecCert), Optional.of(sec1)));
    }

    @Test
    void fromUrl_missingRootCert_failsNamingTheParameterWithoutThePassword() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(
                        "CONFWATCH_DATABASE_URL", "postgresql://app:Sup3rS3cret@db/config?sslrootcert=/nope/ca.pem")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_DATABASE_URL"))
                .hasMessageContaining("sslrootcert=\"/nope/ca.pem\": no such file")
                .hasMessageNotContaining("Sup3rS3cret");
    }

    @Test
    void fromUrl_sslrootcertSystem_meansTheJvmTrustStore() {
        DatabaseTarget target =
                DatabaseTarget.fromUrl("postgresql://app@db/config?sslmode=verify-full&sslrootcert=system");
        assertThat(target.tls().hasRootCertFile()).isFalse();
        assertThat(TlsMaterial.load(target.tls()).roots()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        // mode, CA file named, verification, plain text allowed
        "disable, false, none, true",
        "disable, true, none, true",
        "allow, false, none, true",
        "allow, true, ca, true",
        "prefer, false, none, true",
        "prefer, true, ca, true",
        "require, false, none, false",
        "require, true, ca, false",
        "verify-ca, false, ca, false",
        "verify-ca, true, ca, false",
        "verify-full, false, full, false",
        "verify-full, true, full, false",
    })
    void policy_eachModeWithAndWithoutCaFile_followsLibpq(
            String mode, boolean caFile, String verification, boolean plaintext) {
        TlsFiles files =
                caFile ? new TlsFiles(Optional.of("/ca.pem"), Optional.empty(), Optional.empty()) : TlsFiles.NONE;
        TlsPolicy policy = TlsPolicy.of(SslMode.parse(mode).orElseThrow(), files);

        assertThat(policy.verification()).isEqualTo(verification);
        assertThat(policy.allowsPlaintext()).isEqualTo(plaintext);
    }

    @Test
    void policy_requireWithSystemRoots_doesNotVerify() {
        TlsFiles system = new TlsFiles(Optional.of(TlsFiles.SYSTEM), Optional.empty(), Optional.empty());
        assertThat(TlsPolicy.of(SslMode.REQUIRE, system).verification()).isEqualTo("none");
    }
}
