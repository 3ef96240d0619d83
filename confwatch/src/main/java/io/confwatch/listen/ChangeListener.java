package io.confwatch.listen;

import io.confwatch.config.ConfigException;
import io.confwatch.config.ListenerSettings;
import io.confwatch.db.Connections;
import io.confwatch.db.TransactionPooler;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.ListenerStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one LISTEN connection of its own and never stays silently deaf: it reconnects forever with capped, jittered
 * backoff; a heartbeat query and a self-probe (a NOTIFY sent through another connection that must come back) detect a
 * connection that looks alive but delivers nothing, which is then discarded at once. Every payload goes to
 * {@code sink} parsed but untrusted; {@code events} hears of every successful LISTEN (so the caller can catch up on
 * what was missed) and of every connection that went silent.
 *
 * <p>Runs on the Vert.x context that calls {@link #start()}; never blocks it.
 */
public final class ChangeListener {
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);

    private final Vertx vertx;
    private final Supplier<Future<PgConnection>> connector;
    private final String where;
    private final SelfProbe selfProbe;
    private final ListenerSettings settings;
    private final Duration queryTimeout;
    private final Consumer<Notification> sink;
    private final ListenerEvents events;
    private final ConfWatchMetrics metrics;

    private PgConnection connection;
    private String state = "connecting";
    private boolean closed;
    private boolean everListened;
    private int failedAttempts;
    private long reconnects;
    private long heartbeatTimer = -1;
    private long probeTimer = -1;
    private Promise<Void> firstListen = Promise.promise();
    private volatile ListenerStatus status;
    private Instant lastNotificationAt;
    private Instant deafSince = Instant.now();
    private String lastError;

    public ChangeListener(
            Vertx vertx,
            Supplier<Future<PgConnection>> connector,
            String where,
            Pool probeClient,
            ListenerSettings settings,
            String workerId,
            Duration queryTimeout,
            Consumer<Notification> sink,
            ListenerEvents events,
            ConfWatchMetrics metrics) {
        this.vertx = vertx;
        this.connector = connector;
        this.where = where;
        this.selfProbe = new SelfProbe(vertx, probeClient, settings, workerId, queryTimeout, metrics);
        this.settings = settings;
        this.queryTimeout = queryTimeout;
        this.sink = sink;
        this.events = events;
        this.metrics = metrics;
        publishStatus();
        metrics.gauge(
                ConfWatchMetrics.LISTENER_UP, "1 while the listener is LISTENing, else 0", () -> isListening() ? 1 : 0);
    }

    /** Connects and LISTENs; completes after the first successful LISTEN, retrying (forever) until then. */
    public Future<Void> start() {
        connect();
        return firstListen.future();
    }

    /** Whether the listener currently holds a connection that has LISTENed. */
    public boolean isListening() {
        return "listening".equals(status.state());
    }

    /** The listener's state for {@code /status}; safe from any thread. */
    public ListenerStatus status() {
        return status;
    }

    /** Stops listening and closes the connection without waiting for the server. */
    public Future<Void> stop() {
        closed = true;
        state = "closed";
        cancelTimers();
        publishStatus();
        PgConnection current = connection;
        connection = null;
        if (current == null) {
            return Future.succeededFuture();
        }
        // A goodbye the server hears ends its session now; one it cannot hear (a dead path) is cut short.
        return current.close()
                .timeout(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(error -> {
                    Connections.abort(current);
                    return Future.succeededFuture();
                });
    }

    /** Drops the connection as if the network had failed (tests and operators' manual reconnect). */
    public void reconnectNow(String reason) {
        lost(reason);
    }

    private void connect() {
        if (closed) {
            return;
        }
        state = "connecting";
        publishStatus();
        Future<PgConnection> attempt = connector.get();
        Future<PgConnection> bounded = attempt.timeout(2 * queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
        // A connection that arrives after its attempt timed out belongs to no one: close it.
        bounded.onFailure(error -> attempt.onSuccess(PgConnection::close));
        bounded.compose(conn -> {
                    if (closed) {
                        conn.close();
                        return Future.failedFuture("closed");
                    }
                    connection = conn;
                    conn.notificationHandler(notification -> {
                        // A handler that throws would kill the connection and leak its socket: never let it.
                        try {
                            onNotification(notification);
                        } catch (RuntimeException e) {
                            log.error("Failed to handle a notification on {}", settings.channel(), e);
                        }
                    });
                    conn.closeHandler(v -> {
                        if (conn == connection) {
                            lost("connection closed by the server or network");
                        }
                    });
                    conn.exceptionHandler(e -> log.debug("Listener connection error: {}", e.toString()));
                    // Only where the triggers notify: checked on every connect, since the database may have changed.
                    return ChannelCheck.verify(conn, settings.channel(), where, queryTimeout)
                            .compose(v -> conn.query("LISTEN " + settings.channel())
                                    .execute()
                                    .timeout(queryTimeout.toMillis(), TimeUnit.MILLISECONDS))
                            .map(rows -> conn);
                })
                .onSuccess(this::listening)
                .onFailure(this::connectFailed);
    }

    private void listening(PgConnection conn) {
        if (closed || conn != connection) {
            return;
        }
        boolean reconnect = everListened;
        everListened = true;
        if (failedAttempts > 0 || reconnect) {
            log.info("Listening on channel {} again after {} failed attempts", settings.channel(), failedAttempts);
        } else {
            log.info("Listening on channel {}", settings.channel());
        }
        if (reconnect) {
            reconnects++;
            metrics.listenerReconnected();
        }
        failedAttempts = 0;
        state = "listening";
        deafSince = null;
        lastError = null;
        publishStatus();
        scheduleChecks();
        // The first probe at once: a connection that cannot hear (a transaction pooler) is found within one probe
        // timeout of connecting, not after a whole probe interval.
        probe();
        firstListen.tryComplete();
        events.listening(reconnect);
    }

    private void connectFailed(Throwable error) {
        if (closed) {
            return;
        }
        if (error instanceof ConfigException refusal && !everListened) {
            refuse(refusal);
            return;
        }
        failedAttempts++;
        lastError = String.valueOf(error.getMessage());
        discard();
        long delay = settings.reconnectBackoff().delayMillis(failedAttempts);
        // First failure, then every power of two: a long outage logs a handful of lines, not thousands.
        if (Long.bitCount(failedAttempts) == 1) {
            log.warn(
                    "Listener cannot connect to {} (attempt {}), retrying in {} ms: {}",
                    where,
                    failedAttempts,
                    delay,
                    lastError);
        } else {
            log.debug("Listener connect attempt {} failed: {}", failedAttempts, lastError);
        }
        state = "disconnected";
        publishStatus();
        vertx.setTimer(delay, id -> connect());
    }

    /**
     * This worker's channel is not the one the triggers notify: listening would look healthy and hear no write. At
     * start that is a configuration error: no more attempts, and {@link #start()} fails with it. (Found on a later
     * reconnect, it is retried instead, loudly: the worker already serves, and its sweeps still catch up.)
     */
    private void refuse(ConfigException refusal) {
        log.error("Listener refused: {}", refusal.getMessage());
        discard();
        closed = true;
        state = "refused";
        lastError = refusal.getMessage();
        publishStatus();
        firstListen.tryFail(refusal);
    }

    private void lost(String reason) {
        if (closed || connection == null) {
            return;
        }
        log.warn("Listener on channel {} lost: {}; reconnecting", settings.channel(), reason);
        lastError = reason;
        discard();
        state = "disconnected";
        deafSince = Instant.now();
        publishStatus();
        vertx.setTimer(settings.reconnectBackoff().delayMillis(1), id -> connect());
    }

    private void silent(String reason) {
        lost(reason);
        events.silent(reason);
    }

    /** Forgets the current connection without waiting for it: a half-open socket can take minutes to close. */
    private void discard() {
        cancelTimers();
        PgConnection current = connection;
        connection = null;
        if (current != null) {
            current.closeHandler(null);
            current.notificationHandler(null);
            Connections.abort(current);
        }
    }

    private void scheduleChecks() {
        heartbeatTimer = vertx.setPeriodic(settings.heartbeatInterval().toMillis(), id -> heartbeat());
        probeTimer = vertx.setPeriodic(settings.probeInterval().toMillis(), id -> probe());
    }

    private void cancelTimers() {
        for (long timer : new long[] {heartbeatTimer, probeTimer}) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
        heartbeatTimer = -1;
        probeTimer = -1;
        selfProbe.cancel();
    }

    private void heartbeat() {
        PgConnection conn = connection;
        if (conn == null) {
            return;
        }
        // Bounded by its own short timeout, not the query timeout: a trivial query on an idle connection answers in
        // milliseconds, and a heavy load's bound would let a half-open listener go unnoticed for that long.
        long timeout = settings.heartbeatTimeout().toMillis();
        conn.query("select 1").execute().timeout(timeout, TimeUnit.MILLISECONDS).onFailure(error -> {
            if (conn == connection) {
                if (error instanceof TimeoutException) {
                    silent("heartbeat not answered within " + timeout + " ms");
                } else {
                    lost("heartbeat failed: " + error.getMessage());
                }
            }
        });
    }

    private void probe() {
        PgConnection conn = connection;
        if (conn == null) {
            return;
        }
        selfProbe.send(reason -> {
            if (conn == connection) {
                deaf(conn, reason);
            }
        });
    }

    /**
     * A probe went unheard. If the connection still answers a query, it is alive but deaf — the signature of a
     * transaction pooler, which accepts LISTEN and delivers nothing — and the reason logged and shown in
     * {@code /status} says so in one line, with what to do. Either way the connection is rebuilt.
     */
    private void deaf(PgConnection conn, String reason) {
        long timeout = settings.heartbeatTimeout().toMillis();
        conn.query("select 1").execute().timeout(timeout, TimeUnit.MILLISECONDS).onComplete(answer -> {
            if (conn != connection) {
                return;
            }
            if (answer.failed()) {
                silent(reason);
                return;
            }
            silent(reason + ", though the connection answers queries: " + TransactionPooler.ADVICE);
        });
    }

    private void onNotification(PgNotification notification) {
        if (!settings.channel().equals(notification.getChannel())) {
            return;
        }
        lastNotificationAt = Instant.now();
        Notification parsed = NotificationParser.parse(notification.getPayload());
        if (parsed instanceof Notification.Probe probe && selfProbe.heard(probe, lastNotificationAt)) {
            publishStatus();
            return;
        }
        publishStatus();
        sink.accept(parsed);
    }

    private void publishStatus() {
        status = new ListenerStatus(
                state,
                settings.channel(),
                "listening".equals(state),
                reconnects,
                lastNotificationAt,
                selfProbe.lastHeardAt(),
                selfProbe.lastRoundTrip(),
                deafSince,
                lastError);
    }
}
