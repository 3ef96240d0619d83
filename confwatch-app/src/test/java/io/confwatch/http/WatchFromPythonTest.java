package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confwatch.ConfWatch;
import io.confwatch.config.HttpSettings;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /watch} from another language: a Python 3 client (standard library only, {@code src/test/python}) follows
 * every tenant, resumes without re-reading what it has, gets {@code reset} after a worker restart, and is not held back
 * by a stalled consumer through 30 writes to every tenant.
 */
@ExtendWith(PostgresExtension.class)
class WatchFromPythonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT =
            Path.of(System.getProperty("basedir", "."), "src", "test", "python", "watch_client.py");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int TENANTS = 5;
    private static final int WRITES = 30;
    /** One reader per client process, so no line read ahead is lost between calls. */
    private static final java.util.Map<Process, BufferedReader> READERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void pythonClient_followsResumesIsResetAfterRestartAndIsNotHeldBackByAStalledOne(TestDatabase db) throws Exception {
        assertThat(SCRIPT).exists();
        List<UUID> tenants = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(seed(db, "py-" + i, 600));
        }
        Worker first = Worker.start(db);
        String cursor;
        try {
            tenants.forEach(first::awaitHeld);

            // Follows every tenant.
            JsonNode synced = run(first.base(), "sync");
            assertThat(synced.get("types").get(0).asText()).isEqualTo("snapshot");
            for (TenantSnapshot held : first.confWatch.tenants()) {
                assertThat(synced.get("tenants").path(held.tenant().toString()).asLong(-1))
                        .as("tenant %s", held.tenant())
                        .isEqualTo(held.version());
            }
            assertThat(synced.get("tenants").size()).isEqualTo(first.confWatch.size());

            // Resumes without re-reading what it has.
            UUID changed = tenants.get(0);
            UUID removed = tenants.get(TENANTS - 1);
            update(
                    db,
                    "update confwatch.monitors set definition = definition || '{\"x\": 1}' where tenant_id = ?"
                            + " and name = 'm-1'",
                    changed);
            update(db, "delete from confwatch.tenants where id = ?", removed);
            long changedVersion = first.awaitHeld(changed);
            await().atMost(WAIT).until(() -> first.confWatch.snapshot(removed).isEmpty());
            JsonNode resumed = run(first.base(), "resume", synced.get("cursor").asText());
            List<String> told = new ArrayList<>();
            resumed.get("events")
                    .forEach(event -> told.add(event.get("type").asText()
                            + (event.has("tenant")
                                    ? " " + event.get("tenant").asText() + " v" + event.get("version")
                                    : "")));
            assertThat(told)
                    .containsExactly(
                            "removed " + removed + " v" + synced.get("tenants").get(removed.toString()),
                            "snapshot " + changed + " v" + changedVersion,
                            "synced");
            cursor = resumed.get("cursor").asText();
            tenants.remove(removed);

            // A stalled consumer holds back nobody.
            Process stalled = start(first.base(), "stall");
            Process follower = null;
            try {
                assertThat(firstLine(stalled)).isEqualTo("stalled");
                ObjectNode targets = JSON.createObjectNode();
                for (UUID tenant : tenants) {
                    targets.put(
                            tenant.toString(),
                            first.confWatch.snapshot(tenant).orElseThrow().version() + WRITES);
                }
                follower = start(first.base(), "follow", targets.toString());
                assertThat(firstLine(follower)).isEqualTo("synced");
                for (int i = 1; i <= WRITES; i++) {
                    for (UUID tenant : tenants) {
                        update(
                                db,
                                "update confwatch.monitors set definition = jsonb_set(definition, '{n}', to_jsonb(?))"
                                        + " where tenant_id = ? and name = 'm-2'",
                                i,
                                tenant);
                    }
                }
                assertThat(follower.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .as("the follower saw every tenant's 30th write")
                        .isTrue();
                JsonNode followed = JSON.readTree(lastLine(follower));
                assertThat(follower.exitValue()).as(followed.toString()).isZero();
                await().atMost(WAIT).untilAsserted(() -> assertThat(first.held.watchCutOff.count())
                        .as("stalled consumer cut off")
                        .isGreaterThanOrEqualTo(1));
            } finally {
                stalled.getOutputStream().close();
                stalled.destroy();
                if (follower != null) {
                    follower.destroy();
                }
            }
        } finally {
            first.close();
        }

        // After a restart the old cursor gets a reset, then everything.
        Worker second = Worker.start(db);
        try {
            tenants.forEach(second::awaitHeld);
            JsonNode afterRestart = run(second.base(), "resume", cursor);
            JsonNode events = afterRestart.get("events");
            assertThat(events.get(0).get("type").asText()).isEqualTo("reset");
            assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("synced");
            assertThat(events.size()).isEqualTo(second.confWatch.size() + 2);
        } finally {
            second.close();
        }
    }

    /** A worker and its API. */
    private record Worker(ConfWatch confWatch, HttpApi api, HeldRequests held) {
        static Worker start(TestDatabase db) {
            ConfWatch confWatch = ConfWatch.start(ApiFixture.config(db));
            assertThat(confWatch.awaitReady(WAIT)).isTrue();
            HttpSettings settings =
                    confWatch.config().http().withHost("127.0.0.1").withWatchLimits(16, 64 * 1024);
            HttpApi api = HttpApi.start(confWatch, settings, false).await();
            return new Worker(confWatch, api, api.heldRequests());
        }

        String base() {
            return "http://127.0.0.1:" + api.actualPort();
        }

        long awaitHeld(UUID tenant) {
            try {
                return confWatch
                        .awaitVersion(tenant, 0, WAIT)
                        .get()
                        .orElseThrow()
                        .version();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        void close() {
            api.close().await();
            confWatch.close();
        }
    }

    private static UUID seed(TestDatabase db, String name, int monitors) throws SQLException {
        UUID tenant = UUID.randomUUID();
        update(db, "insert into confwatch.tenants (id, name) values (?, ?)", tenant, name);
        update(
                db,
                "insert into confwatch.monitors (tenant_id, name, definition) select ?, 'm-' || g,"
                        + " jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'), 'n', g)"
                        + " from generate_series(1, ?) g",
                tenant,
                monitors);
        return tenant;
    }

    private static void update(TestDatabase db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private static JsonNode run(String base, String... args) throws Exception {
        Process process = start(base, args);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("python %s finished", String.join(" ", args))
                .isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("python %s: %s", String.join(" ", args), err)
                .isZero();
        String[] lines = out.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static Process start(String base, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python(), SCRIPT.toString(), args[0], base));
        command.addAll(List.of(args).subList(1, args.length));
        return new ProcessBuilder(command).start();
    }

    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "python3";
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader reader = READERS.computeIfAbsent(
                process, p -> new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        String line = reader.readLine();
        if (line == null) {
            // The client exited without a word on stdout: its stderr says why.
            throw new AssertionError("the python client said nothing: "
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return line;
    }

    private static String lastLine(Process process) throws IOException {
        BufferedReader reader = READERS.get(process);
        String last = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            last = line;
        }
        return last;
    }
}
