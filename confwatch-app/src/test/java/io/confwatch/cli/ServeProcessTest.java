package io.confwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code serve} as a real process: ready over HTTP, and SIGTERM ends it gracefully with exit code 0. */
@ExtendWith(PostgresExtension.class)
class ServeProcessTest {
    private static final Pattern SERVING = Pattern.compile("serving on http://[^:]+:(\\d+)");

    /** A channel the triggers do not notify is bad configuration found in the database: exit 2, one line. */
    @Test
    void serve_channelOtherThanTheTriggers_exitsWithCode2AndOneLineNamingBothChannels(TestDatabase db)
            throws Exception {
        ProcessBuilder builder = serve(db, Map.of("CONFWATCH_CHANNEL", "other"));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            assertThat(process.exitValue()).as("exit code, output %s", lines).isEqualTo(2);
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .startsWith("confwatch: bad configuration: CONFWATCH_CHANNEL=\"other\": ")
                    .contains("\"confwatch_changes\""));
        } finally {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder serve(TestDatabase db, Map<String, String> settings) {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.confwatch.Main",
                        "serve")
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("CONFWATCH_"));
        env.putAll(Map.of(
                "PGHOST", db.host(),
                "PGPORT", Integer.toString(db.port()),
                "PGDATABASE", db.database(),
                "PGUSER", db.user(),
                "CONFWATCH_HTTP_HOST", "127.0.0.1",
                "CONFWATCH_HTTP_PORT", "0",
                "CONFWATCH_WORKER_ID", "serve-process-test"));
        env.putAll(settings);
        return builder;
    }

    @Test
    void serve_sigterm_shutsDownGracefullyWithExitCode0(TestDatabase db) throws Exception {
        ProcessBuilder builder = serve(db, Map.of());
        Process process = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // The process ended.
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> port(lines) > 0 || !process.isAlive());
            int port = port(lines);
            assertThat(port).as("serving line in %s", lines).isPositive();
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, port, "/readyz") == 200);

            // Process.destroy() would also close our end of the child's output, losing its shutdown log.
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
                    .start()
                    .waitFor();

            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("exited within 30 s")
                    .isTrue();
            assertThat(process.exitValue()).as("exit code, output %s", lines).isZero();
            reader.join(5_000);
            assertThat(lines).anyMatch(line -> line.contains("SIGTERM received"));
        } finally {
            process.destroyForcibly();
        }
    }

    private static int port(List<String> lines) {
        for (String line : lines) {
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
