package io.confwatch.http;

import static java.util.Objects.requireNonNull;

import io.confwatch.model.TenantSnapshot;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Numbers the changes {@code GET /watch} streams tell (DESIGN §5): one sequence per API start, a view of what is held
 * (each tenant with the number of its last change) and a bounded log of removals, so that a client that comes back
 * with a cursor gets exactly the tenants changed since — or, when the cursor cannot be honoured, a reset.
 *
 * <p>It follows the cache level-triggered: on every change notice it compares the cache's current snapshot of that
 * tenant with its view and numbers a change only when they differ, so a notice seen twice, or out of date by the time it
 * is handled, tells nothing twice and never goes back in time. Everything runs under one lock; subscribers are handed
 * events under it, in order, and must only queue them (they write on their own event loop).
 */
final class WatchHub {
    /** Removals remembered for resumes; a cursor older than the oldest one forgotten gets a reset. */
    static final int REMOVAL_LOG = 10_000;

    /** Receives every numbered change, in order; must not block. */
    interface Subscriber {
        void onEvent(WatchEvent event);
    }

    /**
     * What a new stream sends before it goes live.
     *
     * @param resetReason why the client's cursor could not be honoured (the stream starts with {@code event: reset}),
     *     or null
     * @param cursor the id its catch-up events carry: the client's own cursor, or sequence 0 for everything
     * @param items the snapshots and removals to send, oldest change first
     * @param seq the sequence number the items bring the client to
     */
    record Catchup(String resetReason, WatchCursor cursor, List<WatchEvent> items, long seq) {}

    private final String instance;
    private final Function<UUID, Optional<TenantSnapshot>> cache;
    private final int removalLog;
    /** Held tenants in the order of their last change (re-inserted on each), with that change. */
    private final LinkedHashMap<UUID, WatchEvent> view = new LinkedHashMap<>();

    private final ArrayDeque<WatchEvent> removals = new ArrayDeque<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private long seq;
    /** The newest removal dropped from the log: cursors below it cannot be told about it. */
    private long forgottenThrough;

    private boolean closed;

    /** A hub reading snapshots from {@code cache}, remembering up to {@code removalLog} removals. */
    WatchHub(Function<UUID, Optional<TenantSnapshot>> cache, int removalLog) {
        this.cache = requireNonNull(cache, "cache");
        if (removalLog < 1) {
            throw new IllegalArgumentException("removalLog must be at least 1: " + removalLog);
        }
        this.removalLog = removalLog;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.instance = HexFormat.of().formatHex(random);
    }

    /** This hub's id: the first half of every cursor it issues. */
    String instance() {
        return instance;
    }

    /** Brings the view of {@code tenant} up to the cache, numbering and handing out a change if there is one. */
    synchronized void reconcile(UUID tenant) {
        if (closed) {
            return;
        }
        TenantSnapshot current = cache.apply(tenant).orElse(null);
        WatchEvent known = view.get(tenant);
        WatchEvent event;
        if (current != null && (known == null || known.snapshot() != current)) {
            event = WatchEvent.installed(++seq, current);
            view.remove(tenant);
            view.put(tenant, event);
        } else if (current == null && known != null) {
            event = WatchEvent.removed(++seq, tenant, known.version());
            view.remove(tenant);
            removals.addLast(event);
            if (removals.size() > removalLog) {
                forgottenThrough = removals.removeFirst().seq();
            }
        } else {
            return;
        }
        for (Subscriber subscriber : subscribers) {
            subscriber.onEvent(event);
        }
    }

    /**
     * Registers {@code subscriber} for every change after the returned catch-up, and says what to send first for a
     * client that comes with {@code cursorText} (empty: a new client) and follows the tenants {@code follows} accepts.
     */
    synchronized Catchup subscribe(Optional<String> cursorText, Predicate<UUID> follows, Subscriber subscriber) {
        subscribers.add(subscriber);
        if (cursorText.isEmpty()) {
            return new Catchup(null, new WatchCursor(instance, 0), everything(follows), seq);
        }
        String reset = resetReason(cursorText.get());
        if (reset != null) {
            return new Catchup(reset, new WatchCursor(instance, 0), everything(follows), seq);
        }
        WatchCursor cursor = WatchCursor.parse(cursorText.get()).orElseThrow();
        return new Catchup(null, cursor, since(cursor.seq(), follows), seq);
    }

    /** Stops handing events to {@code subscriber}. */
    synchronized void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** Stops numbering changes (the API closed; the cache's listener stays registered and is ignored from now on). */
    synchronized void close() {
        closed = true;
        subscribers.clear();
    }

    /** Why a client's cursor cannot be honoured, or null when it can. */
    private String resetReason(String text) {
        Optional<WatchCursor> parsed = WatchCursor.parse(text);
        if (parsed.isEmpty()) {
            return "malformed cursor";
        }
        WatchCursor cursor = parsed.get();
        if (!cursor.instance().equals(instance)) {
            return "cursor from another worker, or from before this worker restarted";
        }
        if (cursor.seq() > seq) {
            return "cursor ahead of this worker";
        }
        if (cursor.seq() < forgottenThrough) {
            return "cursor too old: more than " + removalLog + " tenants were removed since";
        }
        return null;
    }

    private List<WatchEvent> everything(Predicate<UUID> follows) {
        List<WatchEvent> items = new ArrayList<>(view.size());
        for (WatchEvent event : view.values()) {
            if (follows.test(event.tenant())) {
                items.add(event);
            }
        }
        return items;
    }

    /** Removals of tenants not held now, then held tenants changed after {@code after}, each in change order. */
    private List<WatchEvent> since(long after, Predicate<UUID> follows) {
        Map<UUID, WatchEvent> gone = new LinkedHashMap<>();
        for (WatchEvent removal : removals) {
            if (removal.seq() > after && follows.test(removal.tenant()) && !view.containsKey(removal.tenant())) {
                gone.remove(removal.tenant());
                gone.put(removal.tenant(), removal);
            }
        }
        List<WatchEvent> items = new ArrayList<>(gone.values());
        for (WatchEvent event : view.values()) {
            if (event.seq() > after && follows.test(event.tenant())) {
                items.add(event);
            }
        }
        return items;
    }
}
