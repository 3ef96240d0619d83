package io.confwatch.db;

import java.sql.SQLException;

/** The database could not be reached or refused the connection; the message names where and why in one line. */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String where, SQLException cause) {
        super("cannot connect to PostgreSQL at " + where + ": " + firstLine(cause.getMessage()), cause);
    }

    /** The same message for a failed connection attempt of the Vert.x client. */
    public DatabaseUnavailableException(String where, Throwable cause) {
        super("cannot connect to PostgreSQL at " + where + ": " + firstLine(cause.getMessage()), cause);
    }

    /** As above, with {@code reason} (e.g. why a TLS handshake was refused) instead of the driver's message. */
    public DatabaseUnavailableException(String where, String reason, SQLException cause) {
        super("cannot connect to PostgreSQL at " + where + ": " + firstLine(reason), cause);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
