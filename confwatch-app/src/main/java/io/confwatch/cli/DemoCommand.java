package io.confwatch.cli;

import io.confwatch.ConfWatch;
import io.confwatch.EmbeddedDatabase;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.JdbcTarget;
import io.confwatch.http.HttpApi;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo}: the whole loop for a newcomer, on an embedded PostgreSQL. A writer changes one tenant per second
 * through SQL and each change's propagation (commit → installed in the worker's cache) is printed as it lands.
 */
final class DemoCommand implements Cli.Command {
    @Override
    public int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err) {
        int changes = changesOption(options);
        WorkerConfig demoConfig = config.withEmbeddedDatabase();
        out.println("Starting an embedded PostgreSQL and the worker…");
        try (ConfWatch confWatch = ConfWatch.start(demoConfig)) {
            HttpApi http = HttpApi.start(confWatch, demoConfig.http(), true).await();
            EmbeddedDatabase pg = confWatch.embeddedDatabase().orElseThrow();
            confWatch.awaitReady(Duration.ofMinutes(1));
            Map<String, Long> installedAt = new ConcurrentHashMap<>();
            confWatch.addListener(change -> change.current()
                    .ifPresent(s -> installedAt.put(s.tenant() + "/" + s.version(), System.nanoTime())));
            JdbcTarget target = JdbcTarget.of(pg.target());
            try (Connection sql = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
                DemoWriter writer = new DemoWriter(sql);
                List<DemoWriter.Tenant> tenants = writer.seed();
                for (DemoWriter.Tenant tenant : tenants) {
                    confWatch
                            .awaitVersion(tenant.id(), tenant.version(), Duration.ofSeconds(10))
                            .join();
                }
                printIntro(out, http.actualPort(), tenants.get(0).id(), pg);
                CountDownLatch stop = new CountDownLatch(1);
                ShutdownSignals.onSignal(stop::countDown);
                for (int i = 0; changes < 0 || i < changes; i++) {
                    DemoWriter.Change change = writer.changeOne(tenants.get(i % tenants.size()));
                    var held = confWatch
                            .awaitVersion(change.tenant().id(), change.version(), Duration.ofSeconds(10))
                            .join();
                    boolean arrived = held.isPresent() && held.get().version() >= change.version();
                    // The change listener runs just after the install; wait for its timestamp.
                    String key = change.tenant().id() + "/" + change.version();
                    for (int spin = 0; arrived && !installedAt.containsKey(key) && spin < 1000; spin++) {
                        Thread.sleep(1);
                    }
                    double millis =
                            (installedAt.getOrDefault(key, System.nanoTime()) - change.commitStartedNanos()) / 1e6;
                    out.printf(
                            "tenant %-14s v%-4d %-44s %s%n",
                            change.tenant().name(),
                            change.version(),
                            change.description(),
                            arrived ? String.format("propagated in %.1f ms", millis) : "NOT propagated within 10 s");
                    if (stop.await(1, TimeUnit.SECONDS)) {
                        break;
                    }
                }
            }
            http.close().await();
        } catch (SQLException e) {
            err.println("confwatch demo: " + e.getMessage());
            return Cli.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("Demo finished.");
        return Cli.OK;
    }

    private static void printIntro(PrintStream out, int port, UUID tenant, EmbeddedDatabase pg) {
        out.println();
        out.println("ConfWatch demo: the worker holds every tenant in memory and follows each write.");
        out.println("  Watch:  http://localhost:" + port + "/   (the live page: every change as it lands)");
        out.println("  Look:   http://localhost:" + port + "/tenants/" + tenant);
        out.println("          http://localhost:" + port + "/status");
        out.println(
                "  Write:  " + pg.psqlCommand() + " -c \"update confwatch.monitors set is_active = not is_active\"");
        out.println("A writer now changes one tenant every second (Ctrl-C stops):");
        out.println();
    }

    private static int changesOption(List<String> options) {
        if (options.isEmpty()) {
            return -1;
        }
        if (options.size() == 2 && options.get(0).equals("--changes")) {
            try {
                int n = Integer.parseInt(options.get(1));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below with the usage.
            }
            throw new Cli.UsageException("--changes needs a positive number, not '" + options.get(1) + "'");
        }
        throw new Cli.UsageException("unexpected arguments " + options);
    }

    @Override
    public String help() {
        return """
                Usage: java -jar confwatch.jar demo [--changes N]

                Starts an embedded PostgreSQL (whatever database is configured), applies the migrations, seeds three
                tenants with monitors, filters and triggers, starts the worker and its HTTP API on
                CONFWATCH_HTTP_PORT (default 8080), then changes one tenant every second through SQL and prints how
                long each change took to reach the worker's memory. Runs until Ctrl-C, or N changes.
                """;
    }
}
