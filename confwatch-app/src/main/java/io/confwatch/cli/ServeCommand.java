package io.confwatch.cli;

import io.confwatch.ConfWatch;
import io.confwatch.config.ConfigException;
import io.confwatch.config.WorkerConfig;
import io.confwatch.http.HttpApi;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code serve}: the worker and its HTTP API, until SIGTERM. */
final class ServeCommand implements Cli.Command {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err) {
        if (!options.isEmpty()) {
            throw new Cli.UsageException("unexpected arguments " + options);
        }
        ConfWatch confWatch;
        HttpApi http;
        try {
            confWatch = ConfWatch.start(config);
            http = HttpApi.start(confWatch, config.http(), confWatch.isEmbeddedDatabase())
                    .await();
        } catch (RuntimeException e) {
            err.println("confwatch serve: cannot start: " + e.getMessage());
            return Cli.FAILURE;
        }
        log.info(
                "ConfWatch {} serving on http://{}:{} (worker {}, mode {}, shard {})",
                confWatch.status().version(),
                config.http().host(),
                http.actualPort(),
                config.workerId(),
                config.mode().text(),
                config.shard());
        // ConfWatch.close() stops the worker in order (not ready, unlisten, drain) and then Vert.x, HTTP included.
        ShutdownSignals.onSignal(confWatch::close);
        // Some configuration can only be checked against the database (the notification channel): a refusal found
        // there ends the process like any bad setting, with exit code 2 and one line.
        confWatch.whenReady().whenComplete((v, error) -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ConfigException refusal) {
                // On a thread that is not a daemon, started while Vert.x still runs: otherwise close() can stop the
                // last non-daemon thread and the JVM end with status 0 before this reaches System.exit.
                Thread exit = new Thread(
                        () -> {
                            err.println("confwatch: bad configuration: " + refusal.getMessage());
                            confWatch.close();
                            System.exit(Cli.BAD_CONFIGURATION);
                        },
                        "confwatch-refused");
                exit.setDaemon(false);
                exit.start();
            }
        });
        return Cli.KEEP_RUNNING;
    }

    @Override
    public String help() {
        return """
                Usage: java -jar confwatch.jar serve

                Runs the worker: LISTENs for change hints, keeps every owned tenant's configuration in memory and
                serves the HTTP API on CONFWATCH_HTTP_PORT (default 8080). The database comes from PGHOST, PGPORT,
                PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE (TLS files: PGSSLROOTCERT, PGSSLCERT, PGSSLKEY) or
                CONFWATCH_DATABASE_URL; with none of them set, an
                embedded PostgreSQL is started (and the log says how to reach it with psql). /readyz answers 200
                once every tenant is loaded. SIGTERM: not ready, stop listening, finish loads, exit 0.
                Every setting is listed in README.md.
                """;
    }
}
