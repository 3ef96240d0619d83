package io.confwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.PoolSettings;
import io.confwatch.config.SslMode;
import io.confwatch.config.TlsFiles;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.DatabaseUnavailableException;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.db.PgClients;
import io.confwatch.db.tls.TlsRefusedException;
import io.confwatch.listen.ChangeListener;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.model.TlsStatus;
import io.confwatch.testing.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Every sslmode, each refusal with its one-line reason, client-certificate login, migrations and notifications over
 * TLS, against one real PostgreSQL with {@code ssl = on} (and the shared plain server where the server must not offer
 * TLS).
 */
@ExtendWith(PostgresExtension.class)
class TlsConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static TlsServer server;
    private static Vertx vertx;
    private static Path caFile;
    private static Path bundleFile;
    private static Path rogueCaFile;
    private static Path clientCert;
    private static Path clientPkcs1Key;
    private static Path clientPkcs8Key;
    private static Path clientEcCert;
    private static Path clientEcKey;
    private static Path rogueClientCert;
    private static Path rogueClientKey;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TlsServer(dir);
        vertx = Vertx.vertx();
        caFile = TestCertificates.writeCertificates(dir.resolve("ca.pem"), server.ca.certificate());
        bundleFile = TestCertificates.writeCertificates(
                dir.resolve("bundle.pem"), server.otherCa.certificate(), server.ca.certificate());
        rogueCaFile = TestCertificates.writeCertificates(dir.resolve("rogue.pem"), server.rogueCa.certificate());
        KeyPair rsa = TestCertificates.rsaKeys();
        TestCertificates.Issued client = TestCertificates.client(server.ca, TlsServer.CERT_ROLE, rsa);
        clientCert = TestCertificates.writeCertificates(dir.resolve("client.crt"), client.certificate());
        clientPkcs1Key = TestCertificates.writeTraditional(dir.resolve("client-pkcs1.key"), rsa.getPrivate());
        clientPkcs8Key = TestCertificates.writePkcs8(dir.resolve("client-pkcs8.key"), rsa.getPrivate());
        KeyPair ec = TestCertificates.ecKeys();
        clientEcCert = TestCertificates.writeCertificates(
                dir.resolve("client-ec.crt"),
                TestCertificates.client(server.ca, TlsServer.CERT_ROLE, ec).certificate());
        clientEcKey = TestCertificates.writeTraditional(dir.resolve("client-ec.key"), ec.getPrivate());
        KeyPair rogueKeys = TestCertificates.ecKeys();
        rogueClientCert = TestCertificates.writeCertificates(
                dir.resolve("rogue-client.crt"),
                TestCertificates.client(server.rogueCa, TlsServer.CERT_ROLE, rogueKeys)
                        .certificate());
        rogueClientKey = TestCertificates.writePkcs8(dir.resolve("rogue-client.key"), rogueKeys.getPrivate());
        assertThat(Files.readString(clientPkcs1Key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(clientPkcs8Key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(clientEcKey)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    // --- sslmode, one by one ----------------------------------------------------------------------------------

    @Test
    void disable_tlsServer_connectsInPlainText() {
        assertThat(connect(target("localhost", "postgres", SslMode.DISABLE, TlsFiles.NONE)))
                .isEqualTo(Outcome.plain());
    }

    @Test
    void disable_roleThatNeedsTls_isRefusedByTheServer() {
        assertThat(connect(target("localhost", TlsServer.TLS_ONLY_ROLE, SslMode.DISABLE, TlsFiles.NONE))
                        .error())
                .contains("no encryption");
    }

    @Test
    void allow_serverAcceptingPlainText_staysPlain() {
        assertThat(connect(target("localhost", "postgres", SslMode.ALLOW, TlsFiles.NONE)))
                .isEqualTo(Outcome.plain());
    }

    @Test
    void allow_roleThatNeedsTls_retriesWithTls() {
        assertThat(connect(target("localhost", TlsServer.TLS_ONLY_ROLE, SslMode.ALLOW, TlsFiles.NONE)))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void prefer_tlsServer_encrypts() {
        // main at e68035a fell back to plain text here: its TLS attempt failed on the missing SSL options.
        assertThat(connect(target("localhost", "postgres", SslMode.PREFER, TlsFiles.NONE)))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void prefer_roleThatRefusesTls_fallsBackToPlainText() {
        assertThat(connect(target("localhost", TlsServer.PLAIN_ONLY_ROLE, SslMode.PREFER, TlsFiles.NONE)))
                .isEqualTo(Outcome.plain());
    }

    @Test
    void prefer_serverWithoutTls_connectsInPlainText(PostgresExtension.Server plain) {
        assertThat(connect(plainServerTarget(plain, SslMode.PREFER))).isEqualTo(Outcome.plain());
    }

    @Test
    void require_tlsServer_encryptsWithoutVerifying() {
        // By IP address and with no CA named: require checks neither the chain nor the name (the chart's default).
        assertThat(connect(target("127.0.0.1", "postgres", SslMode.REQUIRE, TlsFiles.NONE)))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void require_serverWithoutTls_saysTheServerDoesNotOfferTls(PostgresExtension.Server plain) {
        assertThat(connect(plainServerTarget(plain, SslMode.REQUIRE)).error()).startsWith("server does not offer TLS");
    }

    @Test
    void require_withRootCertOfAnotherCa_verifiesTheChainAsLibpqDoes() {
        assertThat(connect(target("localhost", "postgres", SslMode.REQUIRE, roots(rogueCaFile)))
                        .error())
                .startsWith("unknown CA: the server's certificate (CN=localhost), issued by CN=ConfWatch Test CA");
    }

    @Test
    void verifyCa_privateCa_connectsByAddressWithoutCheckingTheName() {
        assertThat(connect(target("127.0.0.1", "postgres", SslMode.VERIFY_CA, roots(caFile))))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void verifyCa_wrongCa_saysUnknownCa() {
        assertThat(connect(target("localhost", "postgres", SslMode.VERIFY_CA, roots(rogueCaFile)))
                        .error())
                .startsWith("unknown CA:")
                .contains("does not chain to the CAs of sslrootcert");
    }

    @Test
    void verifyCa_noRootCert_checksAgainstTheJvmTrustStore() {
        assertThat(connect(target("localhost", "postgres", SslMode.VERIFY_CA, TlsFiles.NONE))
                        .error())
                .startsWith("unknown CA:")
                .endsWith("does not chain to the JVM trust store");
    }

    @Test
    void verifyFull_bundleOfSeveralCas_connects() {
        assertThat(connect(target("localhost", "postgres", SslMode.VERIFY_FULL, roots(bundleFile))))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void verifyFull_addressNotInCertificate_saysHostNameMismatch() {
        assertThat(connect(target("127.0.0.1", "postgres", SslMode.VERIFY_FULL, roots(caFile)))
                        .error())
                .isEqualTo("host name mismatch: the server's certificate (CN=localhost) does not name 127.0.0.1 "
                        + "(it names localhost)");
    }

    @Test
    void verifyFull_expiredCertificate_saysExpired() throws Exception {
        TestCertificates.Issued expired = TestCertificates.server(
                server.ca, "localhost", Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1));
        DatabaseTarget target = target("localhost", "postgres", SslMode.VERIFY_FULL, roots(caFile));
        server.serve(expired);
        try {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(connect(target).error()).startsWith("expired certificate:"));
        } finally {
            server.serve(server.serverCertificate);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(connect(target)).isEqualTo(Outcome.tls()));
    }

    // --- client certificates ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"pkcs1", "pkcs8", "ec"})
    void clientCertificate_pemKeyOfEachKind_logsIn(String kind) {
        Path cert = kind.equals("ec") ? clientEcCert : clientCert;
        Path key =
                switch (kind) {
                    case "pkcs1" -> clientPkcs1Key;
                    case "pkcs8" -> clientPkcs8Key;
                    default -> clientEcKey;
                };
        TlsFiles files = new TlsFiles(Optional.of(caFile.toString()), Optional.of(cert), Optional.of(key));
        assertThat(connect(target("localhost", TlsServer.CERT_ROLE, SslMode.VERIFY_FULL, files)))
                .isEqualTo(Outcome.tls());
    }

    @Test
    void clientCertificate_none_refusedWithReason() {
        assertThat(connect(target("localhost", TlsServer.CERT_ROLE, SslMode.VERIFY_FULL, roots(caFile)))
                        .error())
                .startsWith("client certificate refused");
    }

    @Test
    void clientCertificate_fromAnUnknownCa_refusedWithReason() {
        TlsFiles files =
                new TlsFiles(Optional.of(caFile.toString()), Optional.of(rogueClientCert), Optional.of(rogueClientKey));
        assertThat(connect(target("localhost", TlsServer.CERT_ROLE, SslMode.VERIFY_FULL, files))
                        .error())
                .startsWith("client certificate refused");
    }

    // --- migrations (JDBC) --------------------------------------------------------------------------------------

    @Test
    void migrations_verifyFullWithPkcs1ClientKey_applyOverTls() {
        server.sql("postgres", "create database tls_migrations owner " + TlsServer.CERT_ROLE);
        TlsFiles files =
                new TlsFiles(Optional.of(caFile.toString()), Optional.of(clientCert), Optional.of(clientPkcs1Key));
        DatabaseTarget target = DatabaseTarget.of("localhost", server.port(), "tls_migrations", TlsServer.CERT_ROLE)
                .withSslMode(SslMode.VERIFY_FULL)
                .withTls(files);

        assertThat(Migrations.apply(JdbcTarget.of(target))).isPositive();
        assertThat(Migrations.apply(JdbcTarget.of(target))).isZero();
    }

    @Test
    void migrations_wrongCa_failWithOneLineReason() {
        DatabaseTarget target = target("localhost", "postgres", SslMode.VERIFY_FULL, roots(rogueCaFile));
        assertThatThrownBy(() -> Migrations.apply(JdbcTarget.of(target)))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("cannot connect to PostgreSQL at localhost:" + server.port()
                        + "/postgres as postgres: unknown CA:")
                .hasMessageNotContaining("\n");
    }

    // --- the worker ---------------------------------------------------------------------------------------------

    @Test
    void worker_verifyFullWithClientCertificate_followsWritesOverTls() throws Exception {
        server.sql("postgres", "create database tls_worker owner " + TlsServer.CERT_ROLE);
        TlsFiles files =
                new TlsFiles(Optional.of(caFile.toString()), Optional.of(clientCert), Optional.of(clientPkcs1Key));
        DatabaseTarget target = DatabaseTarget.of("localhost", server.port(), "tls_worker", TlsServer.CERT_ROLE)
                .withSslMode(SslMode.VERIFY_FULL)
                .withTls(files);
        Migrations.apply(JdbcTarget.of(target));
        UUID tenant = UUID.randomUUID();
        server.sql("tls_worker", "insert into confwatch.tenants(id, name) values ('" + tenant + "', 'acme')");

        try (ConfWatch worker =
                ConfWatch.start(WorkerConfig.defaults().withDatabase(target).withHttpPort(0))) {
            assertThat(worker.awaitReady(WAIT)).isTrue();
            server.sql(
                    "tls_worker",
                    "insert into confwatch.monitors(tenant_id, name, definition) values ('" + tenant
                            + "', 'm1', '{\"networks\":[\"eth\"]}')");
            Optional<TenantSnapshot> snapshot =
                    worker.awaitVersion(tenant, 2, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(snapshot).map(TenantSnapshot::version).contains(2L);
            assertThat(worker.status().database()).isEqualTo(new TlsStatus("verify-full", true, "full", true));
            assertThat(worker.status().listener().reconnects()).isZero();
        }
    }

    @Test
    void worker_wrongCa_logsOneWarnLineWithHostPortAndReason() {
        Logger logger = (Logger) LoggerFactory.getLogger(ChangeListener.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        DatabaseTarget target = target("localhost", "postgres", SslMode.VERIFY_FULL, roots(rogueCaFile));
        try (ConfWatch worker =
                ConfWatch.start(WorkerConfig.defaults().withDatabase(target).withHttpPort(0))) {
            await().atMost(WAIT).until(() -> appender.list.stream().anyMatch(e -> e.getLevel() == Level.WARN));
            ILoggingEvent warn = appender.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN)
                    .findFirst()
                    .orElseThrow();
            assertThat(warn.getFormattedMessage())
                    .contains("localhost:" + server.port())
                    .contains("unknown CA: the server's certificate (CN=localhost), issued by CN=ConfWatch Test CA")
                    .doesNotContain("\n");
            assertThat(warn.getThrowableProxy()).isNull();
            assertThat(worker.isReady()).isFalse();
            assertThat(worker.status().database().encrypted()).isNull();
        } finally {
            logger.detachAppender(appender);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** How a connection attempt ended: encrypted or not, or the error's message. */
    record Outcome(Boolean encrypted, String error) {
        static Outcome tls() {
            return new Outcome(true, null);
        }

        static Outcome plain() {
            return new Outcome(false, null);
        }
    }

    private static TlsFiles roots(Path file) {
        return new TlsFiles(Optional.of(file.toString()), Optional.empty(), Optional.empty());
    }

    private static DatabaseTarget target(String host, String user, SslMode mode, TlsFiles files) {
        return DatabaseTarget.of(host, server.port(), "postgres", user)
                .withSslMode(mode)
                .withTls(files);
    }

    private static DatabaseTarget plainServerTarget(PostgresExtension.Server plain, SslMode mode) {
        JdbcTarget admin = plain.admin();
        return DatabaseTarget.of(admin.host(), admin.port(), admin.database(), admin.user())
                .withSslMode(mode);
    }

    /**
     * Opens the listener's connection and a pooled one to {@code target}; both must agree. The server's own view
     * ({@code pg_stat_ssl}) says whether they are encrypted.
     */
    private static Outcome connect(DatabaseTarget target) {
        PoolSettings settings = new PoolSettings(1, 1, Duration.ofSeconds(10), Duration.ofSeconds(10));
        PgClients clients = new PgClients(vertx, target, settings, "tls-test");
        Pool pool = clients.pool(1, "tls-test-" + UUID.randomUUID());
        try {
            Outcome listener;
            try {
                PgConnection connection = clients.connectListener()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                boolean encrypted = encrypted(connection.query(SSL_QUERY).execute());
                connection.close();
                listener = new Outcome(encrypted, null);
                assertThat(clients.tlsStatus().encrypted()).isEqualTo(encrypted);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TlsRefusedException) {
                    assertThat(cause.getStackTrace()).isEmpty();
                }
                return new Outcome(null, cause.getMessage());
            }
            boolean pooled = encrypted(pool.query(SSL_QUERY).execute());
            assertThat(pooled).as("pooled connection encrypted").isEqualTo(listener.encrypted());
            return listener;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.close();
            clients.close();
        }
    }

    private static final String SSL_QUERY = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";

    private static boolean encrypted(io.vertx.core.Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> rows)
            throws Exception {
        return rows.toCompletionStage()
                .toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .iterator()
                .next()
                .getBoolean(0);
    }
}
