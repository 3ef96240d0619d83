package io.confwatch.db;

import static java.util.Objects.requireNonNull;

/** Where a JDBC client (Flyway, tests, benchmarks) connects; {@link #toString()} never shows the password. */
public record JdbcTarget(String host, int port, String database, String user, String password, String sslMode) {
    public JdbcTarget {
        requireNonNull(host, "host");
        requireNonNull(database, "database");
        requireNonNull(user, "user");
        password = password == null ? "" : password;
        sslMode = sslMode == null ? "prefer" : sslMode;
    }

    /** The JDBC view of a worker's database target. */
    public static JdbcTarget of(io.confwatch.config.DatabaseTarget target) {
        return new JdbcTarget(
                target.host(),
                target.port(),
                target.database(),
                target.user(),
                target.password().map(io.confwatch.config.Secret::reveal).orElse(""),
                target.sslMode().text());
    }

    /** The pgjdbc URL, without credentials. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database + "?sslmode=" + sslMode
                + "&connectTimeout=10&ApplicationName=confwatch";
    }

    /** {@code host:port/database as user}, for messages. */
    public String describe() {
        return host + ":" + port + "/" + database + " as " + user;
    }

    @Override
    public String toString() {
        return "JdbcTarget[" + describe() + "]";
    }
}
