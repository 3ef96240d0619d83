package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The catalog of every environment variable ConfWatch reads: name, default and meaning.
 *
 * <p>The single source for the parser (defaults, unknown-variable detection) and for the settings
 * tables in {@code README.md} and {@code docs/configuration.md}, which tests check against it.
 */
enum Setting {
    CONFWATCH_DATABASE_URL(
            null,
            "none",
            "PostgreSQL URI `postgresql://user:password@host:port/database?sslmode=…` (or `postgres://`; "
                    + "percent-encode special characters in the password). Use it or the PG* variables, "
                    + "not both; none of them at all starts an embedded PostgreSQL."),
    PGHOST(null, "`localhost`", "Database host (libpq). Setting any PG* variable selects an external database."),
    PGPORT(null, "`5432`", "Database port."),
    PGDATABASE(null, "= user", "Database name."),
    PGUSER(null, "`$USER`, else `postgres`", "Database user."),
    PGPASSWORD(null, "none", "Database password. Never logged or shown in errors."),
    PGSSLMODE(
            null,
            "`prefer`",
            "TLS as libpq: `disable`, `allow` (plain, TLS if refused), `prefer` (TLS, plain if refused), `require` "
                    + "(TLS, no verification — unless `PGSSLROOTCERT` names a file: then the chain is verified), "
                    + "`verify-ca` (TLS, chain verified) or `verify-full` (TLS, chain and host name verified)."),
    PGSSLROOTCERT(
            null,
            "none (JVM trust store)",
            "PEM file of trusted CAs (one or several) that the server's certificate must chain to; `system` or unset: "
                    + "the JVM's trust store (libpq's `~/.postgresql/root.crt` is not read). Read at start."),
    PGSSLCERT(
            null,
            "none",
            "PEM client certificate (optionally followed by its intermediates) for `cert` authentication; needs "
                    + "`PGSSLKEY`. Read at start."),
    PGSSLKEY(
            null,
            "none",
            "PEM private key of `PGSSLCERT`: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA PRIVATE KEY`) or EC "
                    + "(`BEGIN EC PRIVATE KEY`), not encrypted. Never logged."),
    CONFWATCH_POOL_SIZE("4", null, "Database connections in the pool for loads and sweeps (1–100)."),
    CONFWATCH_MAX_CONCURRENT_LOADS(
            null, "= `CONFWATCH_POOL_SIZE`", "Tenant loads running at once; at most `CONFWATCH_POOL_SIZE`."),
    CONFWATCH_CONNECT_TIMEOUT("5s", null, "Timeout for opening a database connection."),
    CONFWATCH_QUERY_TIMEOUT("10s", null, "Timeout for one database query."),
    CONFWATCH_HTTP_HOST("0.0.0.0", null, "Address the HTTP server binds to."),
    CONFWATCH_HTTP_PORT("8080", null, "HTTP port (1–65535; `0` picks a free port, for tests)."),
    CONFWATCH_ADMIN_TOKEN(
            null,
            "none",
            "Bearer token for `/admin/*` (at least 16 characters, no spaces). Without it the admin routes "
                    + "answer 403, except in embedded mode. Never logged or shown in errors."),
    CONFWATCH_WATCH_MAX_STREAMS(
            "256", null, "Open `GET /watch` streams at most (1–100000); one more is answered 503 with `Retry-After`."),
    CONFWATCH_WATCH_BUFFER_KIB(
            "1024",
            null,
            "Bytes (in KiB, 16–1048576) a `GET /watch` stream may have queued unsent; a consumer that lets it fill is "
                    + "cut off (it reconnects and resumes). A larger event still goes out whole."),
    CONFWATCH_MAX_LONG_POLLS(
            "1000",
            null,
            "Snapshot requests waiting at once for a version (`?minVersion=N&wait=…`, 1–100000); one more is answered "
                    + "503 with `Retry-After`."),
    CONFWATCH_MODE(
            "listen",
            null,
            "`listen`: LISTEN for change notifications plus the periodic sweep; `poll`: no LISTEN, sweep "
                    + "every `CONFWATCH_POLL_INTERVAL` (for transaction poolers, standbys, serverless)."),
    CONFWATCH_CHANNEL(
            "confwatch_changes",
            null,
            "Notification channel the worker LISTENs on; it must be the one the database's triggers notify, "
                    + "`confwatch.notify_channel()` (`confwatch_changes` as migrated): checked on every connect, and "
                    + "a worker whose channel differs refuses to start (exit 2, naming both). A lower-case "
                    + "PostgreSQL identifier (`[a-z_][a-z0-9_]*`, at most 63)."),
    CONFWATCH_HEARTBEAT_INTERVAL(
            "5s", null, "How often the listener connection runs a cheap query to prove it is alive."),
    CONFWATCH_HEARTBEAT_TIMEOUT(
            "2s",
            null,
            "How long the heartbeat query may go unanswered before the listener counts as dead and is rebuilt; "
                    + "heartbeat interval + timeout (7 s) bounds how long a half-open connection goes unnoticed."),
    CONFWATCH_PROBE_INTERVAL("10s", null, "How often the worker NOTIFYs itself to prove notifications still arrive."),
    CONFWATCH_PROBE_TIMEOUT(
            "5s",
            null,
            "Silence after a probe that counts as deaf: the listener is rebuilt. Shorter than the probe interval."),
    CONFWATCH_RECONNECT_MIN_BACKOFF(
            "250ms", null, "First delay before reconnecting the listener; delays grow, jittered, up to the max."),
    CONFWATCH_RECONNECT_MAX_BACKOFF(
            "10s",
            null,
            "Cap on the listener's reconnect delay; it retries forever. Kept below probe interval + probe timeout, so "
                    + "a database that comes back is heard within one probe bound."),
    CONFWATCH_POLL_INTERVAL("1s", null, "Versioned sweep interval in `poll` mode."),
    CONFWATCH_SWEEP_INTERVAL(
            "30s",
            null,
            "Versioned sweep interval in `listen` mode (jittered: each wait up to 20% shorter, never longer)."),
    CONFWATCH_SWEEP_FULL_INTERVAL(
            "5m",
            null,
            "How often a versioned sweep compares every owned tenant's version instead of only those changed since the "
                    + "last sweep (the first sweep after start always does); finds tenants inserted or deleted with "
                    + "the triggers disabled. At or below the sweep interval every sweep compares every tenant."),
    CONFWATCH_FULL_RELOAD_INTERVAL(
            "15m",
            null,
            "Full reload of every owned tenant (jittered: up to 20% shorter, never longer): each one whose row versions moved since it was last read whole, or read whole over a day or two ago, is read whole again; catches trigger-less writes."),
    CONFWATCH_FULL_RELOAD_BUDGET(
            "100ms/s",
            null,
            "Database time a full reload may take per second of wall time: a fraction (`0.1`), a percentage (`10%`) "
                    + "or `100ms/s` (from `1ms/s` to `1000ms/s`, which is unpaced). Each page's read is timed and the "
                    + "next one waits so the full reload stays within it; hints and sweeps never wait for it."),
    CONFWATCH_LOAD_BATCH_SIZE(
            "500",
            null,
            "Tenants per query in the initial load (1–10000), and in full reloads up to 100 per page (short bursts between pauses)."),
    CONFWATCH_DELTA_MAX_VERSIONS(
            "64",
            null,
            "A tenant behind by more versions than this is loaded whole instead of by delta (0–10000; "
                    + "`0` disables delta loads)."),
    CONFWATCH_RELOAD_RETRY_MIN_BACKOFF(
            "1s", null, "First delay before retrying a failed tenant load; delays grow up to the max."),
    CONFWATCH_RELOAD_RETRY_MAX_BACKOFF("60s", null, "Cap on the retry delay of a failed tenant load."),
    CONFWATCH_CHANGE_RETENTION("7d", null, "Age after which `confwatch.config_changes` rows are deleted."),
    CONFWATCH_RETENTION_INTERVAL("1h", null, "How often one pod (advisory lock) deletes expired change-log rows."),
    CONFWATCH_SHARD(
            null,
            "none (every pod holds every tenant)",
            "`i/n` (0 ≤ i < n ≤ 1024): this pod owns shard i of n; or `n` alone: i is the ordinal suffix "
                    + "of `CONFWATCH_POD_NAME` (StatefulSet pod `confwatch-3` → 3)."),
    CONFWATCH_SHARD_SCHEME(
            "slots",
            null,
            "How tenants map to shards: `slots` (each shard owns whole slots of tenants, and reads, sweeps and reloads "
                    + "only those, filtered by the database) or `both` (also the tenants the per-tenant scheme of "
                    + "releases before it gave this shard, read whole and filtered in the worker): `both` for the one "
                    + "rolling update from such a release, see docs/operations.md."),
    CONFWATCH_POD_NAME(
            null,
            "`$HOSTNAME`",
            "Pod name (from the downward API `metadata.name`) whose ordinal suffix gives the shard index for `CONFWATCH_SHARD=n`."),
    CONFWATCH_WORKER_ID(
            null,
            "`$HOSTNAME`, else a random id",
            "This worker's name in self-probes, logs and `/status` (`[A-Za-z0-9._-]`, at most 63)."),
    CONFWATCH_LOG_FORMAT("text", null, "`text` for people or `json` (one object per line) for log pipelines."),
    CONFWATCH_LOG_LEVEL("INFO", null, "`TRACE`, `DEBUG`, `INFO`, `WARN` or `ERROR`."),
    CONFWATCH_SHUTDOWN_TIMEOUT("10s", null, "Bound on finishing in-flight loads after SIGTERM."),
    CONFWATCH_TEST_DATABASE_URL(
            null,
            "none (embedded)",
            "Tests only: a `postgresql://` URI the integration tests use instead of the embedded PostgreSQL. "
                    + "The worker ignores it."),
    CONFWATCH_TEST_PGBOUNCER(
            null,
            "`pgbouncer` from `/usr/sbin` or the `PATH`",
            "Tests only: the PgBouncer binary the transaction-pooler tests start (Debian's `pgbouncer` package). "
                    + "The worker ignores it.");

    private final String defaultValue;
    private final String defaultText;
    private final String meaning;

    Setting(String defaultValue, String defaultText, String meaning) {
        this.defaultValue = defaultValue;
        this.defaultText = defaultText != null ? defaultText : "`" + requireNonNull(defaultValue) + "`";
        this.meaning = meaning;
    }

    /** The environment variable's name. */
    public String variable() {
        return name();
    }

    /** The literal default the parser uses when the variable is unset, if the default is a plain value. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as documented (markdown), e.g. {@code `30s`} or {@code = user}. */
    public String defaultText() {
        return defaultText;
    }

    /** One sentence or two on what the setting does (markdown). */
    public String meaning() {
        return meaning;
    }

    /** Whether values of this setting must never be shown (logs, errors, {@code toString}). */
    public boolean isSecret() {
        return this == PGPASSWORD
                || this == CONFWATCH_ADMIN_TOKEN
                || this == CONFWATCH_DATABASE_URL
                || this == CONFWATCH_TEST_DATABASE_URL;
    }

    /** {@code value} as it may be shown: URIs with their password replaced, other secrets replaced whole. */
    String redact(String value) {
        requireNonNull(value, "value");
        if (this == CONFWATCH_DATABASE_URL || this == CONFWATCH_TEST_DATABASE_URL) {
            return PostgresUrl.redact(value);
        }
        return isSecret() ? ConfigException.REDACTED : value;
    }
}
