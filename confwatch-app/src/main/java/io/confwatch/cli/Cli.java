package io.confwatch.cli;

import io.confwatch.config.ConfigException;
import io.confwatch.config.WorkerConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The command line: picks the command, reads the configuration once, maps failures to exit codes (DESIGN §5b: 0 ok,
 * 2 bad configuration or usage, 1 any other failure). Nothing here calls {@code System.exit}, so tests run it in-process.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_CONFIGURATION = 2;
    /** Returned by long-running commands whose shutdown path exits the JVM itself. */
    public static final int KEEP_RUNNING = -1;

    private static final String USAGE =
            """
            Usage: java -jar confwatch.jar <command> [options]

            Commands:
              serve     run the worker: LISTEN, cache, HTTP API (embedded PostgreSQL when no database is configured)
              migrate   apply the SQL migrations to the configured database, then exit
              demo      watch the whole loop on an embedded PostgreSQL: a writer changes configuration every
                        second and each change's propagation is printed
              bench     run the benchmark scenarios, each beside its baseline, and print the table

            Run 'java -jar confwatch.jar <command> --help' for a command's options. Settings are environment
            variables (PG* or CONFWATCH_DATABASE_URL for the database, CONFWATCH_* for the worker): see README.md.
            Exit codes: 0 ok, 2 bad configuration or usage, 1 other failure.
            """;

    private Cli() {}

    /** Runs {@code args} with {@code env} as the environment and returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return BAD_CONFIGURATION;
        }
        String command = args[0];
        List<String> options = Arrays.asList(args).subList(1, args.length);
        if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
            out.print(USAGE);
            return OK;
        }
        Command handler =
                switch (command) {
                    case "serve" -> new ServeCommand();
                    case "migrate" -> new MigrateCommand();
                    case "demo" -> new DemoCommand();
                    case "bench" -> new BenchCommand();
                    default -> null;
                };
        if (handler == null) {
            err.println("confwatch: unknown command '" + command + "'");
            err.print(USAGE);
            return BAD_CONFIGURATION;
        }
        if (options.contains("--help") || options.contains("-h")) {
            out.print(handler.help());
            return OK;
        }
        try {
            WorkerConfig config = WorkerConfig.fromEnv(env);
            return handler.run(config, options, out, err);
        } catch (ConfigException e) {
            err.println("confwatch: bad configuration: " + e.getMessage());
            return BAD_CONFIGURATION;
        } catch (UsageException e) {
            err.println("confwatch " + command + ": " + e.getMessage());
            err.print(handler.help());
            return BAD_CONFIGURATION;
        }
    }

    /** One command of the command line. */
    interface Command {
        /** Runs the command; returns an exit code, or {@link #KEEP_RUNNING} when it exits the JVM itself later. */
        int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err);

        /** The command's {@code --help} text. */
        String help();
    }

    /** Bad options for a command; exits 2 with the command's help. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
