package io.confwatch.http;

import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rendered JSON of the latest snapshot served per tenant, so a snapshot is serialized once however often it is read.
 *
 * <p>An entry is used only for the very snapshot instance it was rendered from (an identity check), so it can never be
 * stale: a replaced snapshot, even one of the same version rewritten by a forced reload, simply misses and is rendered
 * anew. Keyed by tenant, the map holds at most one body per tenant ever requested; {@link #onChange} drops a body as
 * soon as its snapshot is replaced or removed, so bytes of deleted tenants do not linger. A plain map rather than a
 * weak-keyed Caffeine cache keeps Caffeine in {@code ConfigCache} only.
 */
final class SnapshotBodies {
    /** A snapshot, its JSON and its {@code ETag}. */
    record Body(TenantSnapshot snapshot, Buffer json, String etag) {}

    private final ConcurrentHashMap<UUID, Body> bodies = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The body of {@code snapshot}, rendered now unless it already was. */
    Body of(TenantSnapshot snapshot) {
        Body held = bodies.get(snapshot.tenant());
        if (held != null && held.snapshot() == snapshot) {
            return held;
        }
        Body fresh = new Body(snapshot, SnapshotJson.snapshot(snapshot), EntityTags.of(snapshot.version()));
        if (!closed) {
            // Two requests racing on a replacement may store the older body last; the next request re-renders.
            bodies.put(snapshot.tenant(), fresh);
        }
        return fresh;
    }

    /** Forgets the body of a snapshot that was replaced or removed. */
    void onChange(TenantChange change) {
        bodies.computeIfPresent(
                change.tenant(),
                (tenant, body) -> change.current()
                                .filter(current -> current == body.snapshot())
                                .isPresent()
                        ? body
                        : null);
    }

    /** How many bodies are held. */
    int size() {
        return bodies.size();
    }

    /** Drops every body and stops holding new ones (the API was closed; its change listener stays registered). */
    void close() {
        closed = true;
        bodies.clear();
    }
}
