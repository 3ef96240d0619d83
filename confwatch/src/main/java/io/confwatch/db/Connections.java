package io.confwatch.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bounding database calls, and closing connections that may be dead. */
public final class Connections {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    private Connections() {}

    /**
     * Runs {@code work} on a connection from {@code pool}, bounded by {@code timeout} (the wait for a connection
     * included). Past it the future fails with a {@link TimeoutException} and the connection, if work had started on
     * it, is aborted rather than returned to the pool: a connection whose server went silent would otherwise be handed
     * to the next caller, and its query would hang until the kernel gives up (minutes). The pool opens a new one.
     */
    public static <T> Future<T> withConnection(Pool pool, Duration timeout, Function<SqlConnection, Future<T>> work) {
        AtomicBoolean expired = new AtomicBoolean();
        AtomicReference<SqlConnection> using = new AtomicReference<>();
        Promise<Void> dropped = Promise.promise();
        return pool.<T>withConnection(connection -> {
                    if (expired.get()) {
                        // The caller gave up while this waited for a connection: it goes back unused.
                        return Future.failedFuture(new TimeoutException("gave up waiting for a connection"));
                    }
                    Context context = Vertx.currentContext();
                    // The pool drops a closed connection just after its close handler runs: an aborted connection
                    // goes back only after that (next tick), or the pool would hand it, dying, to the next caller.
                    connection.closeHandler(v -> {
                        if (context == null) {
                            dropped.tryComplete();
                        } else {
                            context.runOnContext(tick -> dropped.tryComplete());
                        }
                    });
                    using.set(connection);
                    return work.apply(connection)
                            .transform(done -> using.compareAndSet(connection, null)
                                    ? (Future<T>) done
                                    : dropped.future().transform(gone -> (Future<T>) done));
                })
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .andThen(done -> {
                    if (done.failed()) {
                        TransactionPooler.notice(done.cause());
                    }
                    if (done.failed() && done.cause() instanceof TimeoutException) {
                        expired.set(true);
                        SqlConnection stuck = using.getAndSet(null);
                        if (stuck != null) {
                            log.debug("No answer within {} ms: aborting the connection", timeout.toMillis());
                            if (!abort(stuck)) {
                                dropped.tryComplete();
                            }
                        }
                    }
                });
    }

    /** Whether {@code connection}'s socket is still open (true where vertx-sql-client internals differ). */
    public static boolean isOpen(SqlConnection connection) {
        try {
            Object base = ((SqlConnectionInternal) connection).unwrap().unwrap();
            if (base instanceof SocketConnectionBase socket) {
                return socket.socket().channelHandlerContext().channel().isOpen();
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot tell whether a connection is open through vertx-sql-client internals", e);
        }
        return true;
    }

    /** Whether {@code connection} runs over TLS; empty where vertx-sql-client internals differ. */
    public static java.util.Optional<Boolean> isEncrypted(SqlConnection connection) {
        try {
            Object base = ((SqlConnectionInternal) connection).unwrap().unwrap();
            if (base instanceof SocketConnectionBase socket) {
                return java.util.Optional.of(socket.socket().isSsl());
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot tell whether a connection is encrypted through vertx-sql-client internals", e);
        }
        return java.util.Optional.empty();
    }

    /**
     * Closes {@code connection} at once, without the goodbye to the server that {@link SqlConnection#close()} waits for
     * (on a half-open socket that wait lasts until the kernel gives up, minutes). Works for pooled connections too: the
     * pool drops it. Relies on vertx-sql-client internals; where they differ, falls back to a plain close and returns
     * false.
     */
    public static boolean abort(SqlConnection connection) {
        try {
            Object base = ((SqlConnectionInternal) connection).unwrap().unwrap();
            if (base instanceof SocketConnectionBase socket) {
                var context = socket.socket().channelHandlerContext();
                // The "codec" handler sits below PgEncoder, which would otherwise swallow the close.
                var codec = context.pipeline().context("codec");
                if (codec != null) {
                    codec.close();
                } else {
                    context.channel().close();
                }
                return true;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot abort a connection through vertx-sql-client internals; closing it instead", e);
        }
        connection.close();
        return false;
    }
}
