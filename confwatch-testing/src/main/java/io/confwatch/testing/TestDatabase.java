package io.confwatch.testing;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.db.JdbcTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL database private to one test class, with the ConfWatch migrations applied. */
public record TestDatabase(JdbcTarget target) {
    /** Where a worker connects: {@code WorkerConfig.defaults().withDatabase(db.databaseTarget())}. */
    public DatabaseTarget databaseTarget() {
        DatabaseTarget database = DatabaseTarget.of(target.host(), target.port(), target.database(), target.user());
        return target.password().isEmpty() ? database : database.withPassword(target.password());
    }

    public String jdbcUrl() {
        return target.jdbcUrl();
    }

    public String host() {
        return target.host();
    }

    public int port() {
        return target.port();
    }

    public String database() {
        return target.database();
    }

    public String user() {
        return target.user();
    }

    public String password() {
        return target.password();
    }

    /** A new JDBC connection (auto-commit on); the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    /** Runs {@code sql} (one or more statements) in its own connection. */
    public void execute(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\nSQL: " + sql, e);
        }
    }
}
