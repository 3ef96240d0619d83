package io.confwatch.db;

import io.vertx.pgclient.PgException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telling that a transaction pooler (PgBouncer in transaction mode) stands between the worker and PostgreSQL, and
 * saying so in one line with what to do. Its signatures: a listener whose connection answers queries but hears no
 * notification (the pooler accepts LISTEN and delivers nothing), and prepared statements that another client's
 * session created or dropped ({@code prepared statement "…" already exists} or {@code … does not exist}).
 */
public final class TransactionPooler {
    private static final Logger log = LoggerFactory.getLogger(TransactionPooler.class);

    /** What is probably wrong and what to do, for the end of a log line or a status field. */
    public static final String ADVICE = "a transaction-mode pooler such as PgBouncer is probably between the worker"
            + " and PostgreSQL (it delivers no notifications and hands sessions and prepared statements to other"
            + " clients): connect the worker directly to the primary, or set CONFWATCH_MODE=poll";

    private static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
    private static final String INVALID_SQL_STATEMENT_NAME = "26000";
    private static final AtomicLong SIGNATURES = new AtomicLong();

    private TransactionPooler() {}

    /** Whether {@code error} is PostgreSQL saying that a prepared statement is not what this session made of it. */
    public static boolean isSignature(Throwable error) {
        return error instanceof PgException pg
                && (DUPLICATE_PREPARED_STATEMENT.equals(pg.getSqlState())
                        || INVALID_SQL_STATEMENT_NAME.equals(pg.getSqlState()));
    }

    /**
     * Logs the diagnosis when {@code error} carries the prepared-statement signature: the first time, then at every
     * power of two, so a flapping worker says it a handful of times and not on every read.
     */
    public static void notice(Throwable error) {
        if (isSignature(error) && Long.bitCount(SIGNATURES.incrementAndGet()) == 1) {
            log.warn("PostgreSQL answered \"{}\": {}", ((PgException) error).getErrorMessage(), ADVICE);
        }
    }
}
