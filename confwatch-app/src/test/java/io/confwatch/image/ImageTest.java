package io.confwatch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.db.JdbcTarget;
import io.confwatch.image.WorkerContainer.Response;
import io.confwatch.image.WorkerContainer.Stop;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.PostgresExtension.Server;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The image built from the Dockerfile, run as the Helm chart runs it (see {@link WorkerContainer}) against the tests'
 * PostgreSQL on loopback: {@code migrate}, {@code serve}, and {@code serve} in embedded mode. Where no Docker engine
 * runs these tests are skipped, with that reason; CI runs them ({@code .ci/run} fails on any skipped test).
 */
@Tag("container")
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(PostgresExtension.class)
class ImageTest {
    /** The chart's CONFWATCH_SHUTDOWN_TIMEOUT; the worker exits within twice it (drain, then close). */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** The chart's memory limits: the worker's and the migration Job's. */
    private static final long WORKER_MEMORY_MIB = 512;

    private static final long MIGRATION_MEMORY_MIB = 256;
    /** A cold JVM on a busy 2-core machine; the chart's startup probe allows 10 minutes. */
    private static final Duration READY_BOUND = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMBEDDED_PSQL =
            Pattern.compile("psql postgresql://(\\w+)@127\\.0\\.0\\.1:(\\d+)/(\\w+)");

    private static String image;

    @BeforeAll
    static void image() {
        image = WorkerContainer.image();
        System.out.printf("image %s: %.1f MB%n", image, WorkerContainer.imageSize(image) / 1e6);
    }

    @Test
    void migrate_emptyDatabaseUnderTheChartsSecurityContext_appliesEveryMigrationAndASecondRunIsANoOp(Server server)
            throws SQLException {
        JdbcTarget empty = createEmptyDatabase(server, "cw_image_migrate");

        for (int run = 1; run <= 2; run++) {
            WorkerContainer migrate =
                    WorkerContainer.create(image, databaseEnv(empty), MIGRATION_MEMORY_MIB, "migrate");
            migrate.container().withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(READY_BOUND));
            try {
                // Fails unless the container exits 0.
                migrate.container().start();
                assertThat(migrate.stderr()).as("run %d stderr", run).isEmpty();
            } finally {
                migrate.container().stop();
            }
        }

        try (Connection c = DriverManager.getConnection(empty.jdbcUrl(), empty.user(), empty.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) filter (where success), count(*)"
                        + " from confwatch.flyway_schema_history where version is not null")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(migrationFiles()).isEqualTo(rs.getLong(2));
        }
    }

    @Test
    void serve_underTheChartsSecurityContext_readyFollowsAWriteLogsJsonLinesAndExitsZeroOnSigterm(TestDatabase db)
            throws Exception {
        UUID tenant = insertTenant(db.target());
        Map<String, String> env = databaseEnv(db.target());
        WorkerContainer worker = WorkerContainer.create(image, env, WORKER_MEMORY_MIB, "serve");
        try {
            long started = System.nanoTime();
            worker.container().start();
            awaitReady(worker);
            Duration toReady = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("serve (external database): ready %d ms after docker run%n", toReady.toMillis());

            assertThat(versionServed(worker, tenant)).isEqualTo(version(db.target(), tenant));
            addMonitor(db.target(), tenant, "image-test");
            long written = version(db.target(), tenant);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(versionServed(worker, tenant))
                    .isEqualTo(written));
            assertThat(JSON.readTree(worker.get("/tenants/" + tenant).body()).path("monitors"))
                    .extracting(JsonNode::toString)
                    .asString()
                    .contains("image-test");

            assertStopsCleanly(worker);
            assertEveryLineIsAJsonObject(worker);
        } finally {
            worker.container().stop();
        }
    }

    @Test
    void serve_noDatabaseConfigured_embeddedPostgresUnderTheChartsSecurityContext_readyFollowsAWriteAndExitsZero()
            throws Exception {
        WorkerContainer worker =
                WorkerContainer.create(image, Map.of("CONFWATCH_LOG_FORMAT", "json"), WORKER_MEMORY_MIB, "serve");
        try {
            long started = System.nanoTime();
            worker.container().start();
            awaitReady(worker);
            Duration toReady = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("serve (embedded PostgreSQL): ready %d ms after docker run%n", toReady.toMillis());

            // The embedded server listens on the container's loopback, which host networking shares with the test.
            JdbcTarget embedded = embeddedTarget(worker);
            UUID tenant = insertTenant(embedded);
            long written = version(embedded, tenant);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(versionServed(worker, tenant))
                    .isEqualTo(written));

            assertStopsCleanly(worker);
            assertEveryLineIsAJsonObject(worker);
        } finally {
            worker.container().stop();
        }
    }

    private static void awaitReady(WorkerContainer worker) {
        await().atMost(READY_BOUND).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(worker.container().isRunning())
                    .as("container running; its log:%n%s", worker.container().getLogs())
                    .isTrue();
            assertThat(worker.get("/readyz").status()).isEqualTo(200);
        });
    }

    private static void assertStopsCleanly(WorkerContainer worker) {
        Stop stop = worker.stop();
        System.out.printf(
                "docker stop: exit %d after %d ms%n",
                stop.exitCode(), stop.took().toMillis());
        assertThat(stop.oomKilled()).as("OOM-killed").isFalse();
        assertThat(stop.exitCode()).as("exit code after SIGTERM").isZero();
        assertThat(stop.took()).isLessThan(SHUTDOWN_TIMEOUT.multipliedBy(2));
    }

    private static void assertEveryLineIsAJsonObject(WorkerContainer worker) {
        List<String> lines = Stream.concat(worker.stdout().stream(), worker.stderr().stream())
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            JsonNode node = parse(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.path("level").asText()).as(line).isNotEmpty();
            assertThat(node.path("formattedMessage").asText()).as(line).isNotEmpty();
        });
        assertThat(messages(worker))
                .anySatisfy(message -> assertThat(message).contains("serving on http://127.0.0.1:"));
    }

    /** The formatted messages of the container's JSON log lines on stdout. */
    private static List<String> messages(WorkerContainer worker) {
        return worker.stdout().stream()
                .filter(line -> line.startsWith("{"))
                .map(line -> parse(line).path("formattedMessage").asText())
                .toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    private static long versionServed(WorkerContainer worker, UUID tenant) throws IOException {
        Response response = worker.get("/tenants/" + tenant);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("version").asLong();
    }

    private static JdbcTarget embeddedTarget(WorkerContainer worker) {
        Matcher m = EMBEDDED_PSQL.matcher(String.join("\n", messages(worker)));
        assertThat(m.find()).as("the embedded server's psql hint in the log").isTrue();
        return new JdbcTarget("127.0.0.1", Integer.parseInt(m.group(2)), m.group(3), m.group(1), "", "disable");
    }

    private static Map<String, String> databaseEnv(JdbcTarget target) {
        return Map.of(
                "PGHOST", target.host(),
                "PGPORT", Integer.toString(target.port()),
                "PGDATABASE", target.database(),
                "PGUSER", target.user(),
                "PGPASSWORD", target.password(),
                "PGSSLMODE", "disable",
                "CONFWATCH_LOG_FORMAT", "json",
                "CONFWATCH_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s",
                "CONFWATCH_WORKER_ID", "image-test");
    }

    private static JdbcTarget createEmptyDatabase(Server server, String name) throws SQLException {
        JdbcTarget admin = server.admin();
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
            s.execute("create database " + name);
        }
        return new JdbcTarget(admin.host(), admin.port(), name, admin.user(), admin.password(), admin.sslMode());
    }

    private static UUID insertTenant(JdbcTarget target) throws SQLException {
        UUID id = UUID.randomUUID();
        update(target, "insert into confwatch.tenants (id, name) values (?, 'image test')", id);
        return id;
    }

    private static void addMonitor(JdbcTarget target, UUID tenant, String name) throws SQLException {
        update(
                target,
                "insert into confwatch.monitors (tenant_id, name, definition)" + " values (?, '" + name
                        + "', '{\"networks\": [\"ethereum_mainnet\"]}')",
                tenant);
    }

    private static long version(JdbcTarget target, UUID tenant) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
                PreparedStatement s = c.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            s.setObject(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }

    private static void update(JdbcTarget target, String sql, UUID tenant) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, tenant);
            s.executeUpdate();
        }
    }

    private static long migrationFiles() {
        try (Stream<Path> files = Files.list(Path.of("sql"))) {
            return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
