package io.confwatch.listen;

import io.confwatch.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one channel (DESIGN §2): the triggers notify {@code confwatch.notify_channel()}, and a listener LISTENs only
 * where that function says. Read on every connect, before LISTEN, so a worker never listens on one channel while the
 * triggers notify another.
 */
final class ChannelCheck {
    /** The function the triggers notify through (sql/V5__notify_channel.sql). */
    static final String FUNCTION = "confwatch.notify_channel()";

    private static final String UNDEFINED_FUNCTION = "42883";
    private static final String UNDEFINED_SCHEMA = "3F000";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ChannelCheck() {}

    /**
     * Completes when the database's channel is {@code channel}; fails with a {@link ConfigException} naming
     * {@code CONFWATCH_CHANNEL}, its value and the database's channel when they differ, or with a
     * {@link ChannelUnknownException} saying what to do when the database cannot tell (not migrated, no grant).
     */
    static Future<Void> verify(SqlConnection connection, String channel, String where, Duration timeout) {
        return connection
                .query("select " + FUNCTION)
                .execute()
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(error -> Future.failedFuture(unknown(error, where)))
                .compose(rows -> {
                    String database = rows.iterator().next().getString(0);
                    return channel.equals(database)
                            ? Future.succeededFuture()
                            : Future.failedFuture(mismatch(channel, database, where));
                });
    }

    /** The refusal: one line naming the setting, its value and the channel the triggers use. */
    static ConfigException mismatch(String channel, String database, String where) {
        return new ConfigException(
                "CONFWATCH_CHANNEL",
                channel,
                "the triggers in " + where + " notify channel \"" + database + "\" (" + FUNCTION
                        + "), so this worker would hear no write; set CONFWATCH_CHANNEL=" + database
                        + " (the channel is changed in the database, by replacing " + FUNCTION + ")");
    }

    private static Throwable unknown(Throwable error, String where) {
        if (error instanceof PgException pg) {
            String code = pg.getSqlState();
            if (UNDEFINED_FUNCTION.equals(code) || UNDEFINED_SCHEMA.equals(code)) {
                return new ChannelUnknownException(FUNCTION + " does not exist in " + where
                        + ": the schema predates this worker; apply the migrations (java -jar confwatch.jar migrate)");
            }
            if (INSUFFICIENT_PRIVILEGE.equals(code)) {
                return new ChannelUnknownException("this worker's role may not execute " + FUNCTION + " in " + where
                        + ": apply sql/roles.sql again (it grants EXECUTE to confwatch_worker)");
            }
        }
        return error;
    }

    /** The database cannot say which channel its triggers notify; the listener retries, saying why. */
    static final class ChannelUnknownException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChannelUnknownException(String message) {
            super(message, null, false, false);
        }
    }
}
