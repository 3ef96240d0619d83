package io.confwatch.db;

import io.confwatch.db.tls.TlsClient;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the SQL migrations in {@code sql/} (packaged as {@code db/migration}) with Flyway. */
public final class Migrations {
    /** The schema every ConfWatch table lives in. */
    public static final String SCHEMA = "confwatch";

    private Migrations() {}

    /**
     * Brings the database at {@code jdbcUrl} up to date and returns how many migrations ran (0 when it already was).
     *
     * @throws DatabaseUnavailableException when the database cannot be reached or refuses the credentials
     */
    public static int apply(JdbcTarget target) {
        Flyway flyway = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .schemas(SCHEMA)
                .locations("classpath:db/migration")
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .loggers("slf4j")
                .load();
        try {
            MigrateResult result = flyway.migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            SQLException connectionProblem = connectionProblem(e);
            if (connectionProblem != null) {
                throw TlsClient.explainJdbc(
                                connectionProblem, target.host(), target.tls().hasRootCertFile())
                        .map(reason -> new DatabaseUnavailableException(target.describe(), reason, connectionProblem))
                        .orElseGet(() -> new DatabaseUnavailableException(target.describe(), connectionProblem));
            }
            throw e;
        }
    }

    private static SQLException connectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 28: invalid authorization; 3D000: no such database.
                if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
                    return sql;
                }
            }
        }
        return null;
    }
}
