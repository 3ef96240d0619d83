package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code java -jar confwatch.jar serve} process against a database, timed from the moment it is spawned to its
 * first 200 on {@code /readyz}; its log gives the split: spawn → start of the initial load (JVM start, class loading,
 * Vert.x, pools, HTTP server, LISTEN), the initial load as the worker logs it, and the rest (readiness seen).
 */
final class StartupProcess {
    private static final Pattern INITIAL_LOAD = Pattern.compile("Initial load: (\\d+) tenants in (\\d+) ms");
    private static final Duration READY_BOUND = Duration.ofMinutes(5);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            // HTTP/1.1: the JDK client would otherwise try an h2c upgrade on every poll.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    /**
     * What one start measured.
     *
     * @param readySeconds spawn → first 200 on {@code /readyz}
     * @param beforeLoadSeconds spawn → the initial load's start (its log line's timestamp less the time it reports)
     * @param loadSeconds the initial load as the worker logged it
     * @param tenants tenants the worker said it loaded
     * @param cpuSeconds CPU time (user and system, all threads) the process had used when it was seen ready: on a
     *     machine shared with other work this moves far less than the wall time
     */
    record Result(double readySeconds, double beforeLoadSeconds, double loadSeconds, int tenants, double cpuSeconds) {
        /** Ready time after the load: the worker turning ready and the poll of {@code /readyz} seeing it. */
        double afterLoadSeconds() {
            return Math.max(0, readySeconds - beforeLoadSeconds - loadSeconds);
        }
    }

    private StartupProcess() {}

    /**
     * The command that starts {@code serve} from this build: {@code java [jvmOptions] -jar <jar> serve} when running
     * from the jar, else the same class path (tests, an IDE).
     */
    static List<String> command(Path jar, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (jar != null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.confwatch.Main");
        }
        command.add("serve");
        return command;
    }

    /** This build's jar, or null when the classes are not running from a jar. */
    static Path ownJar() {
        try {
            Path location = Path.of(StartupProcess.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /**
     * Starts {@code command} against {@code target} with {@code extraEnv} on top of a clean environment (no PG* or
     * CONFWATCH_* of this process), waits for {@code /readyz}, stops it with SIGTERM and returns the timings.
     */
    static Result run(List<String> command, DatabaseTarget target, Map<String, String> extraEnv, Path logFile)
            throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("CONFWATCH_"));
        env.put("PGHOST", target.host());
        env.put("PGPORT", Integer.toString(target.port()));
        env.put("PGDATABASE", target.database());
        env.put("PGUSER", target.user());
        target.password().ifPresent(secret -> env.put("PGPASSWORD", secret.reveal()));
        env.put("CONFWATCH_HTTP_HOST", "127.0.0.1");
        env.put("CONFWATCH_HTTP_PORT", Integer.toString(port));
        env.putAll(extraEnv);
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long spawnedAtMillis = System.currentTimeMillis();
        long spawned = System.nanoTime();
        Process process = builder.start();
        try {
            long deadline = spawned + READY_BOUND.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("serve exited with status " + process.exitValue()
                            + " before /readyz answered 200; its log: " + tail(logFile));
                }
                if (isReady(readyz)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("serve was not ready within " + READY_BOUND.toMinutes()
                            + " minutes; its log: " + tail(logFile));
                }
                Thread.sleep(5);
            }
            double ready = (System.nanoTime() - spawned) / 1e9;
            double cpu = process.info()
                    .totalCpuDuration()
                    .map(d -> d.toNanos() / 1e9)
                    .orElse(Double.NaN);
            return parse(Files.readAllLines(logFile), spawnedAtMillis, ready, cpu);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The timings in a {@code serve} log, given when it was spawned (epoch ms) and when it was ready. */
    static Result parse(List<String> log, long spawnedAtMillis, double readySeconds, double cpuSeconds) {
        double beforeLoad = Double.NaN;
        double load = Double.NaN;
        int tenants = -1;
        for (String line : log) {
            Matcher matcher = INITIAL_LOAD.matcher(line);
            long at = timestampMillis(line);
            if (matcher.find() && at > 0) {
                tenants = Integer.parseInt(matcher.group(1));
                long loadMillis = Long.parseLong(matcher.group(2));
                load = loadMillis / 1e3;
                beforeLoad = (at - loadMillis - spawnedAtMillis) / 1e3;
            }
        }
        return new Result(readySeconds, beforeLoad, load, tenants, cpuSeconds);
    }

    /** The epoch milliseconds of a text log line's leading ISO timestamp, or -1 when the line has none. */
    private static long timestampMillis(String line) {
        int space = line.indexOf(' ');
        if (space < 12) {
            return -1;
        }
        String stamp = line.substring(0, space);
        try {
            return OffsetDateTime.parse(stamp).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(stamp)
                        .atZone(java.time.ZoneId.systemDefault())
                        .toInstant()
                        .toEpochMilli();
            } catch (DateTimeParseException again) {
                try {
                    // A time of day alone (the tests' log pattern): today's, here.
                    return java.time.LocalTime.parse(stamp)
                            .atDate(java.time.LocalDate.now())
                            .atZone(java.time.ZoneId.systemDefault())
                            .toInstant()
                            .toEpochMilli();
                } catch (DateTimeParseException atAll) {
                    return -1;
                }
            }
        }
    }

    private static boolean isReady(HttpRequest readyz) throws InterruptedException {
        try {
            return HTTP.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
