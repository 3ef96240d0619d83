package io.confwatch.listen;

import io.confwatch.config.ListenerSettings;
import io.confwatch.db.Connections;
import io.confwatch.metrics.ConfWatchMetrics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's self-probe: NOTIFYs the channel through another connection with {@code {"probe":<worker>,"seq":N}}
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
    private long sentNanos;
    private long deadlineTimer = -1;
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
     * within the probe timeout. A probe that cannot be sent is forgotten: it says nothing about the listener (the
     * database may be down for both).
     */
    void send(Consumer<String> onSilence) {
        if (deadlineTimer >= 0) {
            return;
        }
        long sent = ++seq;
        String payload = "{\"probe\":\"" + workerId + "\",\"seq\":" + sent + "}";
        // Armed before sending: the probe can come back before the NOTIFY statement's own reply does.
        sentNanos = System.nanoTime();
        deadlineTimer = vertx.setTimer(settings.probeTimeout().toMillis(), id -> {
            deadlineTimer = -1;
            if (sent == seq) {
                onSilence.accept("self-probe " + sent + " not heard back within "
                        + settings.probeTimeout().toMillis() + " ms");
            }
        });
        Connections.withConnection(pool, queryTimeout, conn -> conn.preparedQuery("select pg_notify($1, $2)")
                        .execute(Tuple.of(settings.channel(), payload)))
                .onFailure(error -> {
                    log.debug("Self-probe not sent: {}", error.toString());
                    if (sent == seq) {
                        cancel();
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
        if (probe.seq() == seq && deadlineTimer >= 0) {
            cancel();
            lastRoundTrip = Duration.ofNanos(System.nanoTime() - sentNanos);
            lastHeardAt = at;
            metrics.probeRoundTrip(lastRoundTrip);
        }
        return true;
    }

    /** Forgets the outstanding probe, if any: its connection is gone. */
    void cancel() {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
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
