package io.confwatch.db;

import static java.util.Objects.requireNonNull;

import io.confwatch.config.TlsFiles;
import io.confwatch.db.tls.JdbcSslFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a JDBC client (Flyway, tests, benchmarks) connects; {@link #toString()} never shows the password. TLS follows
 * the same sslmode and files as the worker's own connections (see {@link JdbcSslFactory}).
 */
public record JdbcTarget(
        String host, int port, String database, String user, String password, String sslMode, TlsFiles tls) {
    public JdbcTarget {
        requireNonNull(host, "host");
        requireNonNull(database, "database");
        requireNonNull(user, "user");
        password = password == null ? "" : password;
        sslMode = sslMode == null ? "prefer" : sslMode;
        tls = tls == null ? TlsFiles.NONE : tls;
    }

    /** A target without TLS files. */
    public JdbcTarget(String host, int port, String database, String user, String password, String sslMode) {
        this(host, port, database, user, password, sslMode, TlsFiles.NONE);
    }

    /** The JDBC view of a worker's database target. */
    public static JdbcTarget of(io.confwatch.config.DatabaseTarget target) {
        return new JdbcTarget(
                target.host(),
                target.port(),
                target.database(),
                target.user(),
                target.password().map(io.confwatch.config.Secret::reveal).orElse(""),
                target.sslMode().text(),
                target.tls());
    }

    /** The pgjdbc URL, without credentials. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(h)
                .append(':')
                .append(port)
                .append('/')
                .append(database)
                .append("?sslmode=")
                .append(sslMode)
                .append("&connectTimeout=10&ApplicationName=confwatch");
        if (!sslMode.equals("disable")) {
            url.append("&sslfactory=").append(JdbcSslFactory.class.getName());
            tls.rootCert().ifPresent(file -> url.append("&sslrootcert=").append(encode(file)));
            tls.cert().ifPresent(file -> url.append("&sslcert=").append(encode(file.toString())));
            tls.key().ifPresent(file -> url.append("&sslkey=").append(encode(file.toString())));
        }
        return url.toString();
    }

    /** {@code host:port/database as user}, for messages. */
    public String describe() {
        return host + ":" + port + "/" + database + " as " + user;
    }

    @Override
    public String toString() {
        return "JdbcTarget[" + describe() + "]";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
