package io.confwatch.http;

import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /watch} response: the catch-up, {@code synced}, then live changes, all written on the request's own
 * event loop. Memory stays bounded whatever the client does: what is written waits in the response's write queue, at
 * most {@code CONFWATCH_WATCH_BUFFER_KIB} plus one event; while that is full, changes are not queued but remembered as
 * "this tenant changed" (one entry per tenant, the latest state is sent when the client drains); a queue that stays
 * full for {@link #STALL_LIMIT} cuts the client off. The hub hands events over without waiting, so a stalled client
 * never slows the worker or another stream.
 *
 * <p>Ids: a client that reconnects with the last id it saw must miss nothing. Live events carry their own sequence
 * number; while a catch-up or a backlog is being written, events carry the cursor the client had before it (their order
 * is not the hub's), and the event that ends it ({@code synced}, or the last of a backlog) carries the sequence number
 * everything up to which has now been written.
 *
 * <p>Deltas (opt-in, {@code ?delta=true}): after {@code synced}, a change to a tenant whose last snapshot this stream
 * sent is written as {@code delta} from that snapshot ({@link SnapshotJson#delta}), so its size is what changed; before
 * {@code synced}, for a tenant the stream has not sent, or when the delta would not be smaller, it is a {@code snapshot}
 * as without the option. The stream holds, per followed tenant, the snapshot it last sent — normally the very instance
 * the cache holds, so this costs a map entry, not a copy.
 */
final class WatchStream implements WatchHub.Subscriber {
    private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

    /** How often the stream checks itself; an idle one sends a bookmark within {@link #IDLE_LIMIT} + this. */
    static final Duration TICK = Duration.ofSeconds(5);
    /** Longest silence before a bookmark; with the tick, at most 14 s between events on an idle stream. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(9);
    /** How long the write queue may stay full, the client reading nothing, before the client is cut off. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final String instance;
    private final Predicate<UUID> follows;
    private final SnapshotBodies bodies;
    private final HeldRequests held;
    private final Runnable onClose;
    /** The tenant's snapshot the client was last sent, kept only on a stream that asked for deltas. */
    private final HashMap<UUID, io.confwatch.model.TenantSnapshot> sent;

    /** The catch-up still to write, then changes seen while it was written or while the queue was full. */
    private final ArrayDeque<WatchEvent> catchup = new ArrayDeque<>();

    private final LinkedHashMap<UUID, WatchEvent> backlog = new LinkedHashMap<>();
    /** The client has every change up to this sequence number once what is written reaches it. */
    private long confirmed;
    /** The newest change handed to this stream, whether it follows that tenant or not. */
    private long seen;

    private boolean started;
    private boolean live;
    private boolean closed;
    private long lastWriteNanos;
    private long lastProgressNanos;
    private long timer = -1;

    WatchStream(
            Vertx vertx,
            Context context,
            HttpServerResponse response,
            String instance,
            Predicate<UUID> follows,
            SnapshotBodies bodies,
            HeldRequests held,
            boolean deltas,
            Runnable onClose) {
        this.vertx = vertx;
        this.context = context;
        this.response = response;
        this.instance = instance;
        this.follows = follows;
        this.bodies = bodies;
        this.held = held;
        this.onClose = onClose;
        this.sent = deltas ? new HashMap<>() : null;
    }

    /** Starts the stream on the request's event loop with {@code catchup}; afterwards hub events arrive. */
    void start(WatchHub.Catchup catchup) {
        started = true;
        confirmed = catchup.cursor().seq();
        // Changes handed over before the catch-up reached this event loop are in the backlog already.
        seen = Math.max(seen, catchup.seq());
        long now = System.nanoTime();
        lastWriteNanos = now;
        lastProgressNanos = now;
        response.setWriteQueueMaxSize(held.watchBufferBytes);
        response.drainHandler(v -> {
            lastProgressNanos = System.nanoTime();
            pump();
        });
        response.closeHandler(v -> close());
        response.exceptionHandler(error -> log.debug("Watch stream failed: {}", error.toString()));
        response.write(SseEvents.RETRY);
        if (catchup.resetReason() != null) {
            held.watchResets.increment();
            write(SseEvents.reset(catchup.cursor(), catchup.resetReason()), SseEvents.RESET);
        }
        this.catchup.addAll(catchup.items());
        timer = vertx.setPeriodic(TICK.toMillis(), id -> tick());
        pump();
    }

    /** From the hub, under its lock: hop onto this stream's event loop. */
    @Override
    public void onEvent(WatchEvent event) {
        context.runOnContext(v -> handle(event));
    }

    private void handle(WatchEvent event) {
        if (closed) {
            return;
        }
        seen = event.seq();
        if (!follows.test(event.tenant())) {
            if (live && backlog.isEmpty()) {
                confirmed = seen;
            }
            return;
        }
        if (live && backlog.isEmpty() && !response.writeQueueFull()) {
            confirmed = seen;
            send(event, cursor(seen));
            return;
        }
        // Coalesced: only the tenant's latest change is kept, in the place of its first.
        backlog.put(event.tenant(), event);
        pump();
    }

    /** Writes what is pending while the write queue has room; ends the catch-up with {@code synced}. */
    private void pump() {
        while (started && !closed && !response.writeQueueFull()) {
            WatchEvent next = catchup.pollFirst();
            if (next != null) {
                send(next, cursor(confirmed));
                continue;
            }
            if (!backlog.isEmpty()) {
                Iterator<WatchEvent> first = backlog.values().iterator();
                next = first.next();
                first.remove();
                if (live && backlog.isEmpty()) {
                    confirmed = seen;
                }
                send(next, cursor(confirmed));
                continue;
            }
            if (!live) {
                live = true;
                confirmed = seen;
                write(SseEvents.synced(cursor(confirmed)), SseEvents.SYNCED);
            }
            return;
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (response.writeQueueFull()) {
            if (now - lastProgressNanos >= STALL_LIMIT.toNanos()) {
                cutOff();
            }
            return;
        }
        if (live && backlog.isEmpty() && now - lastWriteNanos >= IDLE_LIMIT.toNanos()) {
            confirmed = seen;
            write(SseEvents.bookmark(cursor(confirmed)), SseEvents.BOOKMARK);
        }
    }

    private void send(WatchEvent event, WatchCursor id) {
        if (event.isRemoval()) {
            if (sent != null) {
                sent.remove(event.tenant());
            }
            write(SseEvents.removed(id, event.tenant(), event.version()), SseEvents.REMOVED);
            return;
        }
        if (sent != null) {
            TenantSnapshot previous = sent.put(event.tenant(), event.snapshot());
            if (live && previous != null) {
                Optional<Buffer> delta = SnapshotJson.delta(previous, event.snapshot());
                if (delta.isPresent()) {
                    response.write(SseEvents.head(id, SseEvents.DELTA));
                    response.write(delta.get());
                    write(SseEvents.tail(), SseEvents.DELTA);
                    return;
                }
            }
        }
        Buffer json = bodies.of(event.snapshot()).json();
        response.write(SseEvents.head(id, SseEvents.SNAPSHOT));
        response.write(json);
        write(SseEvents.tail(), SseEvents.SNAPSHOT);
    }

    private void write(Buffer frame, String type) {
        response.write(frame);
        held.sent(type);
        long now = System.nanoTime();
        lastWriteNanos = now;
        lastProgressNanos = now;
    }

    private WatchCursor cursor(long seq) {
        return new WatchCursor(instance, seq);
    }

    private void cutOff() {
        held.watchCutOff.increment();
        log.info(
                "Cut off a GET /watch consumer that read nothing for {} s with {} KiB unsent",
                STALL_LIMIT.toSeconds(),
                held.watchBufferBytes / 1024);
        close();
        response.reset();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        catchup.clear();
        backlog.clear();
        if (sent != null) {
            sent.clear();
        }
        onClose.run();
    }
}
