package io.confwatch.db;

import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.Mode;
import io.confwatch.config.PoolSettings;
import io.confwatch.config.Secret;
import io.confwatch.config.SslMode;
import io.confwatch.db.tls.TlsClient;
import io.confwatch.db.tls.TlsRefusedException;
import io.confwatch.model.TlsStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.spi.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The worker's connections to PostgreSQL: one pool for reads, and single connections for the listener. Both use TCP
 * keep-alive, a connect timeout, a server-side {@code statement_timeout}, and server-side keep-alives so the server
 * reaps a listener whose client vanished (it would otherwise pin the notification queue).
 */
public final class PgClients {
    /** How long past the server's {@code statement_timeout} a call may take before the client gives up on it. */
    private static final Duration CALL_GRACE = Duration.ofMillis(500);

    private final Vertx vertx;
    private final DatabaseTarget target;
    private final PgConnectOptions connectOptions;
    private final PgConnectOptions listenerOptions;
    private final NetClientOptions netOptions;
    private final ConnectionFactory<PgConnectOptions> listenerFactory;
    private final Duration callTimeout;
    private final TlsClient tls;
    // Whether the last connection opened was encrypted; null until one is.
    private volatile Boolean lastEncrypted;
    private final boolean transactionPerCall;
    // Every connection the pools made here opened, to abort them all when the path to the server looks dead.
    private final Set<SqlConnection> pooled = ConcurrentHashMap.newKeySet();

    public PgClients(Vertx vertx, DatabaseTarget target, PoolSettings pool, String applicationName) {
        this(vertx, target, pool, applicationName, Mode.LISTEN);
    }

    /**
     * Clients for a worker in {@code mode}. In {@link Mode#mayPassTransactionPooler() poll mode} the pool's connections
     * may pass through a transaction pooler: no named prepared statements, and every call in one transaction (see
     * {@link TransactionPerCallPool}). In listen mode the worker must reach PostgreSQL directly, and the loader's few
     * statements are parsed and planned once per connection.
     */
    public PgClients(Vertx vertx, DatabaseTarget target, PoolSettings pool, String applicationName, Mode mode) {
        this.vertx = vertx;
        this.transactionPerCall = mode.mayPassTransactionPooler();
        this.target = target;
        this.connectOptions = new PgConnectOptions()
                .setHost(target.host())
                .setPort(target.port())
                .setDatabase(target.database())
                .setUser(target.user())
                .setPassword(target.password().map(Secret::reveal).orElse(""))
                .setSslMode(io.vertx.pgclient.SslMode.of(target.sslMode().text()))
                .setReconnectAttempts(0)
                // The loader runs a handful of statements over and over: parse and plan each once per connection;
                // not through a transaction pooler, which would hand a named statement to other clients.
                .setCachePreparedStatements(!transactionPerCall)
                .addProperty("application_name", applicationName)
                .addProperty(
                        "statement_timeout", Long.toString(pool.queryTimeout().toMillis()))
                .addProperty("tcp_keepalives_idle", "30")
                .addProperty("tcp_keepalives_interval", "10")
                .addProperty("tcp_keepalives_count", "3");
        this.tls = TlsClient.of(target);
        if (target.sslMode() != SslMode.DISABLE) {
            // Without SSL options every TLS attempt fails (a null dereference inside the client), so require never
            // connects and prefer silently falls back to plain text.
            connectOptions.setSslOptions(tls.vertxOptions());
            tls.warmUp();
        }
        // Its own application_name, so operators (and fault tests) can tell the LISTEN backend in pg_stat_activity.
        this.listenerOptions =
                new PgConnectOptions(connectOptions).addProperty("application_name", applicationName + "-listen");
        this.netOptions = new NetClientOptions()
                .setTcpKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, pool.connectTimeout().toMillis()));
        this.listenerFactory = PgDriver.INSTANCE.createConnectionFactory(vertx, netOptions);
        this.callTimeout = pool.queryTimeout().plus(CALL_GRACE);
    }

    /**
     * The client-side bound of one call on a pooled connection: the server's {@code statement_timeout} plus a grace,
     * so a live server answers first (the statement is cancelled, the connection kept) and only a connection whose
     * server went silent is aborted (see {@link Connections#withConnection}).
     */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** A new pool of {@code size} connections, named for its metrics. */
    public Pool pool(int size, String name) {
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(size)
                        .setName(name)
                        .setIdleTimeout(5)
                        .setIdleTimeoutUnit(TimeUnit.MINUTES)
                        .setMaxLifetime(30)
                        .setMaxLifetimeUnit(TimeUnit.MINUTES))
                .with(netOptions)
                .withConnectHandler(this::opened)
                .connectingTo(connectOptions)
                .using(vertx)
                .build();
        return transactionPerCall ? new TransactionPerCallPool(pool) : pool;
    }

    /**
     * Aborts every connection of the pools made here, idle or busy, without waiting for the server: for when the path to
     * it looks dead (the listener's connection went silent), so no caller meets a silent pooled connection and waits a
     * whole call timeout for it. Calls in flight fail; the pools open new connections as needed. Returns how many were
     * aborted.
     */
    public int abortPooled() {
        int aborted = 0;
        for (SqlConnection connection : List.copyOf(pooled)) {
            pooled.remove(connection);
            if (Connections.isOpen(connection)) {
                Connections.abort(connection);
                aborted++;
            }
        }
        return aborted;
    }

    private void opened(SqlConnection connection) {
        Connections.isEncrypted(connection).ifPresent(encrypted -> lastEncrypted = encrypted);
        pooled.removeIf(known -> !Connections.isOpen(known));
        pooled.add(connection);
        // Hands it to the pool.
        connection.close();
    }

    /**
     * Opens a single connection for LISTEN, on the calling context. A refused TLS handshake fails with the one-line
     * reason (unknown CA, host name mismatch, expired certificate, no TLS on the server, client certificate refused).
     */
    public Future<PgConnection> connectListener() {
        return listenerFactory
                .connect(vertx.getOrCreateContext(), listenerOptions)
                .map(PgConnection::cast)
                .andThen(done -> {
                    if (done.succeeded()) {
                        Connections.isEncrypted(done.result()).ifPresent(encrypted -> lastEncrypted = encrypted);
                    }
                })
                .recover(error -> Future.failedFuture(tls.explain(error)
                        .<Throwable>map(TlsRefusedException::new)
                        .orElse(error)));
    }

    /** What TLS the connections use, for {@code /status}. */
    public TlsStatus tlsStatus() {
        return TlsStatus.of(tls.policy(), lastEncrypted, tls.hasClientCertificate());
    }

    /** {@code host:port/database as user}, for logs. */
    public String describe() {
        return target.describe();
    }

    /** Releases the listener connection factory. */
    public void close() {
        listenerFactory.close(io.vertx.core.Promise.promise());
    }
}
