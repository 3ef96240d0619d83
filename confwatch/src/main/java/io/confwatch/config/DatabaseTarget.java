package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where and as whom to connect to PostgreSQL. Its {@code toString()} never shows the password.
 *
 * @param host host name, IP address (IPv6 without brackets) or Unix socket directory
 * @param port TCP port, 1–65535
 * @param database database name
 * @param user role name
 * @param password the password, if any
 * @param sslMode libpq sslmode
 * @param tls the CA bundle and client certificate files ({@code sslrootcert}, {@code sslcert}, {@code sslkey})
 */
public record DatabaseTarget(
        String host, int port, String database, String user, Optional<Secret> password, SslMode sslMode, TlsFiles tls) {

    /** Validates every part; failures name the libpq variable of the part. */
    public DatabaseTarget {
        requireNonNull(host, "host");
        requireNonNull(database, "database");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        requireNonNull(sslMode, "sslMode");
        requireNonNull(tls, "tls");
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw ConfigException.of(Setting.PGHOST, host, "not a host name, IP address or socket directory");
        }
        if (host.contains(",")) {
            throw ConfigException.of(Setting.PGHOST, host, "multiple hosts are not supported: name the primary only");
        }
        Check.between(Setting.PGPORT, port, 1, 65535);
        if (database.isBlank()) {
            throw ConfigException.of(Setting.PGDATABASE, database, "must not be blank");
        }
        if (user.isBlank()) {
            throw ConfigException.of(Setting.PGUSER, user, "must not be blank");
        }
    }

    /** A target without TLS files. */
    public DatabaseTarget(
            String host, int port, String database, String user, Optional<Secret> password, SslMode sslMode) {
        this(host, port, database, user, password, sslMode, TlsFiles.NONE);
    }

    /** A target without password, with sslmode {@code prefer} (libpq's default). */
    public static DatabaseTarget of(String host, int port, String database, String user) {
        return new DatabaseTarget(host, port, database, user, Optional.empty(), SslMode.PREFER);
    }

    /** Parses a {@code postgresql://} or {@code postgres://} URI; unset parts take libpq's defaults. */
    public static DatabaseTarget fromUrl(String url) {
        return PostgresUrl.parse(Setting.CONFWATCH_DATABASE_URL, url, "postgres");
    }

    /** This target with {@code password}. */
    public DatabaseTarget withPassword(String password) {
        return new DatabaseTarget(host, port, database, user, Optional.of(Secret.of(password)), sslMode, tls);
    }

    /** This target with {@code sslMode}. */
    public DatabaseTarget withSslMode(SslMode sslMode) {
        return new DatabaseTarget(host, port, database, user, password, sslMode, tls);
    }

    /** This target with the TLS files {@code tls} (not read here: see {@link TlsMaterial#load}). */
    public DatabaseTarget withTls(TlsFiles tls) {
        return new DatabaseTarget(host, port, database, user, password, sslMode, tls);
    }

    /** What this target's sslmode and files mean for TLS. */
    public TlsPolicy tlsPolicy() {
        return TlsPolicy.of(sslMode, tls);
    }

    /** For logs: {@code host:port/database as user}, an IPv6 host in brackets; never the password. */
    public String describe() {
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return shownHost + ":" + port + "/" + database + " as " + user;
    }
}
