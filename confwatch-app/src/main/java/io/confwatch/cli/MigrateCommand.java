package io.confwatch.cli;

import io.confwatch.config.WorkerConfig;
import io.confwatch.db.DatabaseUnavailableException;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import java.io.PrintStream;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** {@code migrate}: applies the migrations to the configured database; running it again is a no-op. */
final class MigrateCommand implements Cli.Command {
    @Override
    public int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err) {
        if (!options.isEmpty()) {
            throw new Cli.UsageException("unexpected arguments " + options);
        }
        if (config.database().isEmpty()) {
            err.println("confwatch migrate: no database configured; set PGHOST (and PGPORT, PGDATABASE, PGUSER, "
                    + "PGPASSWORD) or CONFWATCH_DATABASE_URL");
            return Cli.BAD_CONFIGURATION;
        }
        JdbcTarget target = JdbcTarget.of(config.database().get());
        try {
            int applied = Migrations.apply(target);
            out.println(
                    applied == 0
                            ? "Schema confwatch at " + target.describe() + " is up to date; nothing to apply"
                            : "Applied " + applied + " migration(s) to " + target.describe());
            return Cli.OK;
        } catch (DatabaseUnavailableException e) {
            err.println("confwatch migrate: " + e.getMessage());
            return Cli.FAILURE;
        } catch (FlywayException e) {
            err.println("confwatch migrate: migration failed on " + target.describe() + ": " + reason(e));
            return Cli.FAILURE;
        }
    }

    /**
     * Flyway's first line, plus what the server said when a migration's SQL failed: a migration that stops on purpose
     * (e.g. V3 without the role confwatch_owner) explains itself in its message and hint.
     */
    private static String reason(FlywayException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException sql && sql.getServerErrorMessage() != null) {
                ServerErrorMessage server = sql.getServerErrorMessage();
                String hint = server.getHint() == null ? "" : " " + server.getHint();
                return firstLine(e) + ": " + server.getMessage() + "." + hint;
            }
        }
        return firstLine(e);
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public String help() {
        return """
                Usage: java -jar confwatch.jar migrate

                Applies the SQL migrations (sql/V*.sql, schema confwatch) to the database named by PGHOST, PGPORT,
                PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE (TLS files: PGSSLROOTCERT, PGSSLCERT, PGSSLKEY) or
                CONFWATCH_DATABASE_URL, then exits 0. Running it again is a no-op. An unreachable database, a refused
                login or a refused TLS handshake exits 1 with one line saying where and why.
                The migrating role needs the role confwatch_owner (V3 creates it when it may create roles, else says
                what an administrator must run). Then apply sql/roles.sql by hand for the least-privilege roles.
                """;
    }
}
