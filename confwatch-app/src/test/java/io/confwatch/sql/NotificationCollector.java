package io.confwatch.sql;

import static org.assertj.core.api.Assertions.fail;

import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A LISTEN connection on {@code confwatch_changes}. {@link #receivedFor} sends a sentinel notification in a
 * transaction of its own and reads up to it: notifications are delivered in commit order, so everything committed
 * before the call has then arrived, and "nothing was sent" is checked without waiting for a timeout.
 */
final class NotificationCollector implements AutoCloseable {
    private static final String CHANNEL = "confwatch_changes";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final String channel;
    private final Connection listener;
    private final Connection sender;
    private final Deque<PGNotification> pending = new ArrayDeque<>();

    private NotificationCollector(String channel, Connection listener, Connection sender) {
        this.channel = channel;
        this.listener = listener;
        this.sender = sender;
    }

    /** Starts listening; notifications committed from now on are collected. */
    static NotificationCollector listen(TestDatabase db) throws SQLException {
        return listen(db, CHANNEL);
    }

    /** Starts listening on {@code channel} (a plain identifier) instead of the triggers' default channel. */
    static NotificationCollector listen(TestDatabase db, String channel) throws SQLException {
        Connection listener = db.connect();
        try (Statement s = listener.createStatement()) {
            s.execute("listen " + channel);
        }
        return new NotificationCollector(channel, listener, db.connect());
    }

    /**
     * The payloads committed since the previous call that mention one of {@code tenants}, in commit order; payloads
     * about other tenants are dropped.
     */
    List<String> receivedFor(UUID... tenants) throws SQLException {
        String sentinel = "sentinel " + UUID.randomUUID();
        try (Statement s = sender.createStatement()) {
            s.execute("select pg_notify('" + channel + "', '" + sentinel + "')");
        }
        PGConnection pg = listener.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<String> payloads = new ArrayList<>();
        while (true) {
            for (PGNotification n = pending.poll(); n != null; n = pending.poll()) {
                if (n.getParameter().equals(sentinel)) {
                    return payloads;
                }
                if (n.getName().equals(channel) && mentionsAny(n.getParameter(), tenants)) {
                    payloads.add(n.getParameter());
                }
            }
            if (System.nanoTime() > deadline) {
                fail("the sentinel notification did not arrive within " + DEADLINE);
            }
            PGNotification[] received = pg.getNotifications(/* timeoutMillis= */ 500);
            if (received != null) {
                pending.addAll(List.of(received));
            }
        }
    }

    private static boolean mentionsAny(String payload, UUID... tenants) {
        for (UUID tenant : tenants) {
            if (payload.contains(tenant.toString())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws SQLException {
        try {
            listener.close();
        } finally {
            sender.close();
        }
    }
}
