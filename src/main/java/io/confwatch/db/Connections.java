package io.confwatch.db;

import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing connections that may be dead. */
public final class Connections {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    private Connections() {}

    /**
     * Closes {@code connection} at once, without the goodbye to the server that {@link SqlConnection#close()} waits for
     * (on a half-open socket that wait lasts until the kernel gives up, minutes). Works for pooled connections too: the
     * pool drops it. Relies on vertx-sql-client internals; where they differ, falls back to a plain close.
     */
    public static void abort(SqlConnection connection) {
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
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Cannot abort a connection through vertx-sql-client internals; closing it instead", e);
        }
        connection.close();
    }
}
