package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_MODE;
import static io.confwatch.config.Setting.CONFWATCH_POD_NAME;
import static io.confwatch.config.Setting.CONFWATCH_SHARD;
import static io.confwatch.config.Setting.CONFWATCH_SHARD_SCHEME;
import static io.confwatch.config.Setting.CONFWATCH_SHUTDOWN_TIMEOUT;
import static io.confwatch.config.Setting.CONFWATCH_WORKER_ID;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The worker's whole configuration, validated once: build it with {@link #fromEnv}, or {@link #defaults()} and withers.
 *
 * @param database the external database, or empty for embedded mode (no database variable set)
 * @param pool connection pool and query timeouts
 * @param http HTTP server and admin token
 * @param mode listen for notifications, or poll only ({@code CONFWATCH_MODE})
 * @param listener LISTEN connection: channel, heartbeat, self-probe, reconnect backoff
 * @param reload sweeps, full reloads, batching, deltas, retries
 * @param retention change-log retention
 * @param shard the tenants this pod owns ({@link Shard#NONE}: all)
 * @param workerId this worker's name in self-probes, logs and status ({@code CONFWATCH_WORKER_ID})
 * @param logging log format and level
 * @param shutdownTimeout bound on finishing in-flight loads at shutdown ({@code CONFWATCH_SHUTDOWN_TIMEOUT})
 */
public record WorkerConfig(
        Optional<DatabaseTarget> database,
        PoolSettings pool,
        HttpSettings http,
        Mode mode,
        ListenerSettings listener,
        ReloadSettings reload,
        RetentionSettings retention,
        Shard shard,
        String workerId,
        LoggingSettings logging,
        Duration shutdownTimeout) {

    /** Worker ids go into NOTIFY payloads and logs unescaped, so they are kept plain and short. */
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._-]{1,63}");

    /** Validates the worker id and shutdown timeout; every group validated itself. */
    public WorkerConfig {
        requireNonNull(database, "database");
        requireNonNull(pool, "pool");
        requireNonNull(http, "http");
        requireNonNull(mode, "mode");
        requireNonNull(listener, "listener");
        requireNonNull(reload, "reload");
        requireNonNull(retention, "retention");
        requireNonNull(shard, "shard");
        requireNonNull(workerId, "workerId");
        requireNonNull(logging, "logging");
        if (!WORKER_ID.matcher(workerId).matches()) {
            throw ConfigException.of(CONFWATCH_WORKER_ID, workerId, "must be 1–63 characters of A-Z a-z 0-9 . _ -");
        }
        Check.positive(CONFWATCH_SHUTDOWN_TIMEOUT, shutdownTimeout);
    }

    /** Reads and validates the configuration from {@code env}; throws {@link ConfigException} on the first problem. */
    public static WorkerConfig fromEnv(Map<String, String> env) {
        UnknownVariables.check(requireNonNull(env, "env"));
        Env vars = new Env(env);
        return new WorkerConfig(
                DatabaseEnv.read(vars),
                PoolSettings.read(vars),
                HttpSettings.read(vars),
                vars.choice(CONFWATCH_MODE, Mode::parse, Mode.NAMES),
                ListenerSettings.read(vars),
                ReloadSettings.read(vars),
                RetentionSettings.read(vars),
                readShard(vars),
                readWorkerId(vars),
                LoggingSettings.read(vars),
                vars.duration(CONFWATCH_SHUTDOWN_TIMEOUT));
    }

    /** Reads and validates the configuration from this process's environment. */
    public static WorkerConfig fromSystemEnv() {
        return fromEnv(System.getenv());
    }

    /** Every setting at its default: embedded database, port 8080, no admin token, a random worker id. */
    public static WorkerConfig defaults() {
        return fromEnv(Map.of());
    }

    /** Whether no database is configured, so the worker starts an embedded PostgreSQL. */
    public boolean isEmbedded() {
        return database.isEmpty();
    }

    /** The sweep interval that applies in this mode: {@code CONFWATCH_POLL_INTERVAL} in poll mode. */
    public Duration sweepInterval() {
        return reload.sweepIntervalIn(mode);
    }

    /** This configuration connecting to {@code database}. */
    public WorkerConfig withDatabase(DatabaseTarget database) {
        return withDatabase(Optional.of(requireNonNull(database, "database")));
    }

    /** This configuration in embedded mode (no external database). */
    public WorkerConfig withEmbeddedDatabase() {
        return withDatabase(Optional.empty());
    }

    /** This configuration with {@code pool}. */
    public WorkerConfig withPool(PoolSettings pool) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration with {@code http}. */
    public WorkerConfig withHttp(HttpSettings http) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration listening for HTTP on {@code port} (0 for a free port). */
    public WorkerConfig withHttpPort(int port) {
        return withHttp(http.withPort(port));
    }

    /** This configuration with {@code adminToken} guarding the admin routes. */
    public WorkerConfig withAdminToken(String adminToken) {
        return withHttp(http.withAdminToken(adminToken));
    }

    /** This configuration in {@code mode}. */
    public WorkerConfig withMode(Mode mode) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration with {@code listener}. */
    public WorkerConfig withListener(ListenerSettings listener) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration with {@code reload}. */
    public WorkerConfig withReload(ReloadSettings reload) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration with {@code retention}. */
    public WorkerConfig withRetention(RetentionSettings retention) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration owning {@code shard}. */
    public WorkerConfig withShard(Shard shard) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration named {@code workerId}. */
    public WorkerConfig withWorkerId(String workerId) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration with {@code logging}. */
    public WorkerConfig withLogging(LoggingSettings logging) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    /** This configuration allowing {@code shutdownTimeout} for in-flight loads at shutdown. */
    public WorkerConfig withShutdownTimeout(Duration shutdownTimeout) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    private WorkerConfig withDatabase(Optional<DatabaseTarget> database) {
        return new WorkerConfig(
                database, pool, http, mode, listener, reload, retention, shard, workerId, logging, shutdownTimeout);
    }

    private static Shard readShard(Env env) {
        Optional<String> text = env.get(CONFWATCH_SHARD);
        ShardScheme scheme =
                env.get(CONFWATCH_SHARD_SCHEME).map(ShardScheme::parse).orElse(ShardScheme.SLOTS);
        if (text.isEmpty()) {
            // Every pod holds every tenant under any scheme; a bad value still fails above.
            return Shard.NONE;
        }
        Optional<String> podName = env.get(CONFWATCH_POD_NAME);
        String podSource = podName.isPresent() ? CONFWATCH_POD_NAME.variable() : "HOSTNAME";
        return Shard.parse(text.get(), podName.or(() -> env.get("HOSTNAME")), podSource)
                .withScheme(scheme);
    }

    private static String readWorkerId(Env env) {
        return env.get(CONFWATCH_WORKER_ID)
                .or(() -> env.get("HOSTNAME")
                        .filter(host -> WORKER_ID.matcher(host).matches()))
                .orElseGet(() -> "worker-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
