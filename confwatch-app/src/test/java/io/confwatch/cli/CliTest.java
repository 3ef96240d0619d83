package io.confwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Cli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void run_noArguments_printsUsageAndExits2() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err()).contains("Usage:", "serve", "migrate", "demo", "bench");
    }

    @Test
    void run_help_printsUsageAndExits0() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Commands:");
    }

    @Test
    void run_commandHelp_exits0WithoutReadingConfiguration() {
        assertThat(run(Map.of("CONFWATCH_SWEEP_INTERVAL", "abc"), "migrate", "--help"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: java -jar confwatch.jar migrate");
    }

    @Test
    void run_unknownCommand_exits2() {
        assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'frobnicate'");
    }

    @Test
    void run_badSetting_exits2NamingVariableAndValue() {
        assertThat(run(Map.of("CONFWATCH_SWEEP_INTERVAL", "abc"), "migrate")).isEqualTo(2);
        assertThat(err()).contains("CONFWATCH_SWEEP_INTERVAL", "abc").doesNotContain("\tat ");
    }

    @Test
    void migrate_missingRootCertFile_exits2NamingSettingAndPath() {
        assertThat(run(
                        Map.of("PGHOST", "db", "PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/nonexistent/ca.pem"),
                        "migrate"))
                .isEqualTo(2);
        assertThat(err())
                .contains("PGSSLROOTCERT=\"/nonexistent/ca.pem\": no such file")
                .doesNotContain("\tat ");
    }

    @Test
    void migrate_unknownSslMode_exits2NamingIt() {
        assertThat(run(Map.of("PGHOST", "db", "PGSSLMODE", "verify"), "migrate"))
                .isEqualTo(2);
        assertThat(err()).contains("PGSSLMODE=\"verify\"").doesNotContain("\tat ");
    }

    @Test
    void migrate_noDatabaseConfigured_exits2() {
        assertThat(run(Map.of(), "migrate")).isEqualTo(2);
        assertThat(err()).contains("no database configured");
    }

    @Test
    void migrate_unreachableHost_exits1WithOneLineNamingHostPortAndDatabase() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        int code = run(
                Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(closedPort), "PGDATABASE", "nowhere"),
                "migrate");
        assertThat(code).isEqualTo(1);
        assertThat(err().strip()).doesNotContain("\n").contains("127.0.0.1:" + closedPort + "/nowhere");
    }

    @Test
    void migrate_refusedLogin_exits1WithOneLine(TestDatabase db) {
        int code = run(
                Map.of(
                        "PGHOST", db.host(),
                        "PGPORT", Integer.toString(db.port()),
                        "PGDATABASE", db.database(),
                        "PGUSER", "no_such_role",
                        "PGPASSWORD", "wrong-password"),
                "migrate");
        assertThat(code).isEqualTo(1);
        assertThat(err().strip())
                .doesNotContain("\n")
                .contains(db.host() + ":" + db.port() + "/" + db.database())
                .contains("no_such_role")
                .doesNotContain("wrong-password");
    }

    @Test
    void migrate_twice_secondRunIsANoOp(TestDatabase db, PostgresExtension.Server server) throws Exception {
        String fresh = db.database() + "_fresh";
        try (var c = java.sql.DriverManager.getConnection(
                        server.admin().jdbcUrl(),
                        server.admin().user(),
                        server.admin().password());
                var s = c.createStatement()) {
            s.execute("drop database if exists " + fresh);
            s.execute("create database " + fresh);
        }
        Map<String, String> env = Map.of(
                "PGHOST", db.host(),
                "PGPORT", Integer.toString(db.port()),
                "PGDATABASE", fresh,
                "PGUSER", db.user(),
                "PGPASSWORD", db.password().isEmpty() ? "unused" : db.password());
        assertThat(run(env, "migrate")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Applied");
        out.reset();
        assertThat(run(env, "migrate")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("up to date");
    }

    @Test
    void bench_tinyRun_printsEveryScenarioBesideItsBaseline(TestDatabase db, PostgresExtension.Server server)
            throws Exception {
        String fresh = db.database() + "_bench";
        try (var c = java.sql.DriverManager.getConnection(
                        server.admin().jdbcUrl(),
                        server.admin().user(),
                        server.admin().password());
                var s = c.createStatement()) {
            s.execute("drop database if exists " + fresh);
            s.execute("create database " + fresh);
        }
        Map<String, String> env = Map.of(
                "PGHOST", db.host(),
                "PGPORT", Integer.toString(db.port()),
                "PGDATABASE", fresh,
                "PGUSER", db.user(),
                "PGPASSWORD", db.password().isEmpty() ? "unused" : db.password());
        int exit = run(
                env,
                "bench",
                "--samples",
                "6",
                "--big-tenant",
                "40",
                "--tenants",
                "4",
                "--entities",
                "3",
                "--duration",
                "200ms",
                "--flood-tenants",
                "4",
                "--hints-per-second",
                "80",
                "--clients",
                "1,2",
                "--http-tenants",
                "5",
                "--http-entities",
                "3",
                "--connections",
                "2");
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(table + err()).isZero();
        assertThat(table)
                .contains("| scenario", "| ours", "| baseline", "| ratio", "| target", "| verdict")
                .contains("propagation-idle p50", "propagation-idle p99", "vs 5 s polling")
                .contains("delta-10k p50 (40 vs 10 entities)")
                .contains("cold-start ready (4×3)", "cold-start heap/entity")
                .contains("writer-tps ConfWatch triggers vs notify-only, 1 client(s)", "2 client(s)")
                .contains("writer-tps notify off vs no triggers")
                .contains("hint-flood lag p99", "hint-flood loads per tenant, duplicate hints")
                .contains("poll-mode 1 s interval p99")
                .contains("idle-sweep rows per idle sweep (40 tenants)", "idle-sweep rows per sweep, 10 changes/s")
                .contains("http-reads p99, during full reload vs at rest (5×3, 2 conns)")
                .contains("http-reads req/s, during full reload vs at rest")
                .contains(
                        "http-propagation long poll p50 (40 vs 10 entities)",
                        "http-propagation watch p50",
                        "http-propagation watch delta p50")
                .doesNotContain("failed:");
        assertThat(table.lines().filter(l -> l.startsWith("| ")).filter(l -> l.matches(".*\\| (PASS|MISS|INFO) +\\|$")))
                .hasSize(24);
    }

    @Test
    void bench_unknownScenario_exits2() {
        assertThat(run(Map.of(), "bench", "--scenarios", "nope")).isEqualTo(2);
        assertThat(err()).contains("unknown scenario 'nope'");
    }
}
