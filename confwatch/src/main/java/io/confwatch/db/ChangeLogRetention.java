package io.confwatch.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes change-log rows older than the retention, on a jittered loop. One pod at a time: a transaction-scoped
 * advisory lock decides, and the others skip that round. A role that may not purge (the least-privilege worker role)
 * skips it for good, logged once.
 */
public final class ChangeLogRetention {
    private static final Logger log = LoggerFactory.getLogger(ChangeLogRetention.class);
    /** "confwatc" in ASCII: the advisory lock key every pod agrees on. */
    private static final long LOCK_KEY = 0x636f6e6677617463L;

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Vertx vertx;
    private final Pool pool;
    private final Duration retention;
    private final Duration interval;
    private final Duration timeout;
    private long timer = -1;
    private volatile boolean stopped;

    /** Purges rows older than {@code retention} every {@code interval}, each round bounded by {@code timeout}. */
    public ChangeLogRetention(Vertx vertx, Pool pool, Duration retention, Duration interval, Duration timeout) {
        this.vertx = vertx;
        this.pool = pool;
        this.retention = retention;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** Starts the loop; the first round runs after one (jittered) interval. */
    public void start() {
        schedule();
    }

    /** Stops the loop. */
    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round: completes with the rows deleted, or -1 when another pod held the lock. */
    public Future<Long> purgeOnce() {
        // One statement, so one transaction: the transaction-scoped lock is held exactly while the purge runs.
        return Connections.withConnection(
                pool, timeout, conn -> conn.preparedQuery("select case when pg_try_advisory_xact_lock(" + LOCK_KEY + ")"
                                + " then confwatch.purge_changes(make_interval(secs => $1)) else -1 end")
                        .execute(Tuple.of((double) retention.toSeconds()))
                        .map(rows -> rows.iterator().next().getLong(0)));
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        long millis = interval.toMillis();
        long delay = millis - millis / 10 + ThreadLocalRandom.current().nextLong(millis / 5 + 1);
        timer = vertx.setTimer(Math.max(1, delay), id -> purgeOnce()
                .onSuccess(deleted -> {
                    if (deleted > 0) {
                        log.info("Change-log retention: deleted {} rows older than {}", deleted, retention);
                    }
                    schedule();
                })
                .onFailure(error -> {
                    if (error instanceof PgException pg && INSUFFICIENT_PRIVILEGE.equals(pg.getSqlState())) {
                        log.info("Change-log retention is off: this role may not run confwatch.purge_changes "
                                + "(expected for the least-privilege worker role; grant it to one role, or run it "
                                + "from a cron job)");
                        return;
                    }
                    log.warn("Change-log retention failed; retrying next interval: {}", error.toString());
                    schedule();
                }));
    }
}
