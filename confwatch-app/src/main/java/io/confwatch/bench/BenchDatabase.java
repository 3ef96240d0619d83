package io.confwatch.bench;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.db.JdbcTarget;
import io.confwatch.db.Migrations;
import io.confwatch.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The database the scenarios run on: a durable embedded PostgreSQL with a fresh database per scenario, or the
 * configured one (every scenario then shares it; tenants are new random ids, so nothing existing is touched).
 */
public final class BenchDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final DatabaseTarget configured;

    private BenchDatabase(EmbeddedPostgres embedded, DatabaseTarget configured) {
        this.embedded = embedded;
        this.configured = configured;
    }

    /**
     * Starts a durable embedded server when {@code config} names no database, else uses the configured one; with
     * {@code statementStats} the embedded server preloads {@code pg_stat_statements} (for {@code capacity}).
     */
    public static BenchDatabase open(WorkerConfig config, boolean statementStats) {
        if (config.isEmbedded()) {
            return new BenchDatabase(
                    statementStats
                            ? EmbeddedPostgres.start(
                                    /* durable= */ true,
                                    java.util.Map.of("shared_preload_libraries", "pg_stat_statements"),
                                    dataDir -> {})
                            : EmbeddedPostgres.start(/* durable= */ true),
                    null);
        }
        return new BenchDatabase(null, config.database().orElseThrow());
    }

    /** A migrated database for one scenario: a new one on the embedded server, else the configured one. */
    public DatabaseTarget fresh(String name) {
        DatabaseTarget target;
        if (embedded != null) {
            embedded.createDatabase(name);
            target = DatabaseTarget.of("127.0.0.1", embedded.port(), name, embedded.user());
        } else {
            target = configured;
        }
        Migrations.apply(JdbcTarget.of(target));
        return target;
    }

    /**
     * Whether the database already holds exactly {@code tenants} × {@code perTenant} entities (a configured database
     * seeded by an earlier run: reuse it, said in a detail line of {@code scenario}); false when it holds no tenant
     * (seed it). Anything else is refused, naming {@code sizeOptions}, the options that set the shape.
     */
    static boolean seededAlready(
            BenchContext context, String scenario, Statement s, int tenants, int perTenant, String sizeOptions)
            throws SQLException {
        long heldTenants;
        long heldEntities;
        try (ResultSet rs = s.executeQuery("select (select count(*) from confwatch.tenants),"
                + " (select count(*) from confwatch.monitors) + (select count(*) from confwatch.filters)"
                + " + (select count(*) from confwatch.triggers)")) {
            rs.next();
            heldTenants = rs.getLong(1);
            heldEntities = rs.getLong(2);
        }
        if (heldTenants == tenants && heldEntities == (long) tenants * perTenant) {
            context.detail(scenario, "reusing the " + tenants + " × " + perTenant + " tenants already seeded");
            return true;
        }
        if (heldTenants != 0) {
            throw new IllegalStateException("the database holds " + heldTenants + " tenants and " + heldEntities
                    + " entities, not " + tenants + " × " + perTenant + ": use an empty database or one seeded"
                    + " with the same " + sizeOptions);
        }
        return false;
    }

    /** A new JDBC connection to {@code target}, autocommit on. */
    public static Connection connect(DatabaseTarget target) throws SQLException {
        JdbcTarget jdbc = JdbcTarget.of(target);
        return DriverManager.getConnection(jdbc.jdbcUrl(), jdbc.user(), jdbc.password());
    }

    /** Whether this is the embedded server. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** One line for the report: which server, its version, whether commits are durable. */
    public String describe(DatabaseTarget target) {
        try (Connection c = connect(target);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select version(), current_setting('fsync')," + " current_setting('synchronous_commit')")) {
            rs.next();
            return (embedded != null ? "embedded " : "configured " + target.describe() + ", ")
                    + rs.getString(1).replaceAll(" on .*", "") + ", fsync=" + rs.getString(2) + ", synchronous_commit="
                    + rs.getString(3);
        } catch (SQLException e) {
            return "unknown server (" + e.getMessage() + ")";
        }
    }

    /** The embedded server, when there is one. */
    public Optional<EmbeddedPostgres> embedded() {
        return Optional.ofNullable(embedded);
    }

    /** Stops the embedded server, if any. */
    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
