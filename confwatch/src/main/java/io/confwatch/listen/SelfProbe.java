package io.confwatch.listen;

import io.confwatch.config.ListenerSettings;
import io.confwatch.db.Connections;
import io.confwatch.metrics.ConfWatchMetrics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's self-probe: NOTIFYs the triggers' channel ({@code confwatch.notify_channel()}) through another connection with {@code {"probe":<worker>,"seq":N}}
 * and expects to hear it back on the LISTEN connection within the probe timeout; silence means deaf. One probe is
 * outstanding at a time. Runs on the listener's context.
 */
final class SelfProbe {
    private static final Logger log = LoggerFactory.getLogger(SelfProbe.class);

    private final Vertx vertx;
    private final Pool pool;
    private final ListenerSettings settings;
    private final String workerId;
    private final Duration queryTimeout;
    private final ConfWatchMetrics metrics;

    private long seq;
    // A probe is on its way: no new one until it is heard, judged silent or given up.
    private boolean outstanding;
    // Its NOTIFY committed (the reply came back).
    private boolean answered;
    // Its deadline passed before the NOTIFY's reply came.
    private boolean overdue;
    private long sentNanos;
    private long deadlineTimer = -1;
    private Consumer<String> onSilence;
    private Instant lastHeardAt;
    private Duration lastRoundTrip;

    SelfProbe(
            Vertx vertx,
            Pool pool,
            ListenerSettings settings,
            String workerId,
            Duration queryTimeout,
            ConfWatchMetrics metrics) {
        this.vertx = vertx;
        this.pool = pool;
        this.settings = settings;
        this.workerId = workerId;
        this.queryTimeout = queryTimeout;
        this.metrics = metrics;
    }

    /**
     * Sends the next probe unless one is outstanding; {@code onSilence} gets the reason when it is not heard back
     * within the probe timeout of being sent, or of its NOTIFY committing when that came later (a silent pooled
     * connection delays the NOTIFY, not the listener). A probe that cannot be sent is forgotten: it says nothing about
     * the listener (the database may be down for both).
     */
    void send(Consumer<String> onSilence) {
        if (outstanding) {
            return;
        }
        long probe = ++seq;
        outstanding = true;
        answered = false;
        overdue = false;
        this.onSilence = onSilence;
        String payload = "{\"probe\":\"" + workerId + "\",\"seq\":" + probe + "}";
        Connections.withConnection(pool, queryTimeout, conn -> {
                    if (isCurrent(probe)) {
                        // Armed once a connection is in hand (a busy pool says nothing about the listener) and before
                        // sending: the probe can come back before the NOTIFY statement's own reply does.
                        sentNanos = System.nanoTime();
                        arm(probe);
                    }
                    // On the channel the triggers notify, not this worker's idea of it: the probe proves the path a
                    // write's notification takes. A simple query (the payload is plain: a validated worker id and a
                    // number), so a probe never depends on a prepared statement a transaction pooler may have lost.
                    return conn.query("select pg_notify(" + ChannelCheck.FUNCTION + ", '" + payload + "')")
                            .execute();
                })
                .onComplete(sent -> {
                    if (!isCurrent(probe)) {
                        return;
                    }
                    if (sent.failed()) {
                        log.debug("Self-probe not sent: {}", sent.cause().toString());
                        cancel();
                        return;
                    }
                    answered = true;
                    if (overdue) {
                        // Committed only now: it gets a whole timeout from here.
                        overdue = false;
                        arm(probe);
                    }
                });
    }

    /**
     * Takes a probe heard on the channel at {@code at}; returns whether it is this worker's own (others' probes are the
     * caller's to count). The outstanding probe, heard back, records its round trip.
     */
    boolean heard(Notification.Probe probe, Instant at) {
        if (!probe.worker().equals(workerId)) {
            return false;
        }
        if (isCurrent(probe.seq())) {
            cancel();
            lastRoundTrip = Duration.ofNanos(System.nanoTime() - sentNanos);
            lastHeardAt = at;
            metrics.probeRoundTrip(lastRoundTrip);
        }
        return true;
    }

    /** Forgets the outstanding probe, if any: its connection is gone. */
    void cancel() {
        outstanding = false;
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private boolean isCurrent(long probe) {
        return outstanding && probe == seq;
    }

    private void arm(long probe) {
        deadlineTimer = vertx.setTimer(settings.probeTimeout().toMillis(), id -> {
            deadlineTimer = -1;
            if (!isCurrent(probe)) {
                return;
            }
            if (!answered) {
                overdue = true;
                return;
            }
            outstanding = false;
            onSilence.accept("self-probe " + probe + " not heard back within "
                    + settings.probeTimeout().toMillis() + " ms");
        });
    }

    /** When a probe was last heard back, or null. */
    Instant lastHeardAt() {
        return lastHeardAt;
    }

    /** The last probe's round trip, or null. */
    Duration lastRoundTrip() {
        return lastRoundTrip;
    }
}
