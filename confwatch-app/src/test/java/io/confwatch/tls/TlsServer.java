package io.confwatch.tls;

import io.confwatch.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A real PostgreSQL with {@code ssl = on} for the TLS tests: a server certificate for {@code localhost} from a private
 * CA, client certificates checked against that CA, and {@code pg_hba.conf} lines that need TLS ({@code hostssl}),
 * refuse it, or log in by client certificate ({@code cert}). Its certificates are minted when it starts.
 */
final class TlsServer implements AutoCloseable {
    /** Logs in by client certificate only, over TLS only. */
    static final String CERT_ROLE = "tls_client";
    /** Logs in over TLS only (trust), never in plain text. */
    static final String TLS_ONLY_ROLE = "tls_only";
    /** Logs in in plain text only (trust), never over TLS. */
    static final String PLAIN_ONLY_ROLE = "plain_only";

    final TestCertificates.Issued ca = TestCertificates.ca("CN=ConfWatch Test CA");
    final TestCertificates.Issued otherCa = TestCertificates.ca("CN=Another Test CA");
    final TestCertificates.Issued rogueCa = TestCertificates.ca("CN=Rogue CA");
    final TestCertificates.Issued serverCertificate =
            TestCertificates.server(ca, "localhost", Instant.now().minus(Duration.ofMinutes(5)), Duration.ofDays(1));
    final Path dir;
    final EmbeddedPostgres postgres;

    TlsServer(Path dir) throws IOException {
        this.dir = dir;
        this.postgres = EmbeddedPostgres.start(
                /* durable= */ false,
                Map.of(
                        "ssl", "on",
                        "ssl_cert_file", "server.crt",
                        "ssl_key_file", "server.key",
                        "ssl_ca_file", "root.crt"),
                dataDir -> {
                    writeServerFiles(dataDir, serverCertificate);
                    TestCertificates.writeCertificates(dataDir.resolve("root.crt"), ca.certificate());
                    Files.writeString(dataDir.resolve("pg_hba.conf"), hba());
                });
        sql(
                "postgres",
                "create role " + CERT_ROLE + " login createdb",
                "create role " + TLS_ONLY_ROLE + " login superuser",
                "create role " + PLAIN_ONLY_ROLE + " login superuser",
                // The client-certificate login migrates too, without CREATEROLE: as docs/operations.md ("Trust
                // model") tells an administrator, the owner role exists and the migrating login is a member.
                "create role confwatch_owner nologin",
                "grant confwatch_owner to " + CERT_ROLE);
    }

    private static String hba() {
        return String.join(
                "\n",
                "hostssl   all " + CERT_ROLE + "  127.0.0.1/32 cert",
                "hostnossl all " + CERT_ROLE + "  127.0.0.1/32 reject",
                "hostssl   all " + TLS_ONLY_ROLE + "    127.0.0.1/32 trust",
                "hostnossl all " + TLS_ONLY_ROLE + "    127.0.0.1/32 reject",
                "hostnossl all " + PLAIN_ONLY_ROLE + "  127.0.0.1/32 trust",
                "hostssl   all " + PLAIN_ONLY_ROLE + "  127.0.0.1/32 reject",
                "host      all all 127.0.0.1/32 trust",
                "");
    }

    int port() {
        return postgres.port();
    }

    /** Runs {@code statements} as the superuser (plain text, which the superuser may use). */
    void sql(String database, String... statements) {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?sslmode=disable", "postgres", "");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Serves {@code certificate} from the next connection on (PostgreSQL reloads its TLS files on SIGHUP). */
    void serve(TestCertificates.Issued certificate) throws IOException {
        Path dataDir = postgres.logFile().getParent().resolve("data");
        writeServerFiles(dataDir, certificate);
        for (String file : new String[] {"server.crt", "server.key"}) {
            Files.setAttribute(dataDir.resolve(file), "unix:uid", ownerOf(dataDir));
            Files.setAttribute(dataDir.resolve(file), "unix:gid", ownerOf(dataDir));
        }
        sql("postgres", "select pg_reload_conf()");
    }

    private static int ownerOf(Path dir) throws IOException {
        return (Integer) Files.getAttribute(dir, "unix:uid");
    }

    private static void writeServerFiles(Path dataDir, TestCertificates.Issued certificate) throws IOException {
        X509Certificate cert = certificate.certificate();
        TestCertificates.writeCertificates(dataDir.resolve("server.crt.new"), cert);
        Files.move(
                dataDir.resolve("server.crt.new"),
                dataDir.resolve("server.crt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TestCertificates.writePkcs8(
                dataDir.resolve("server.key"), certificate.keys().getPrivate());
    }

    @Override
    public void close() {
        postgres.close();
    }
}
