package io.confwatch.http;

import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rendered JSON of the latest snapshot served per tenant, so a snapshot is serialized once however often it is read
 * (by {@code GET /tenants/{id}}, its long polls and every {@code GET /watch} stream alike).
 *
 * <p>An entry is used only for the very snapshot instance it was rendered from (an identity check), so it can never be
 * stale: a replaced snapshot, even one of the same version rewritten by a forced reload, simply misses and is rendered
 * anew. The replaced rendering is kept until then: the new one copies the bytes of every entity the two snapshots share
 * ({@link SnapshotJson#render}), so a one-row change costs one entity's rendering and a copy. Keyed by tenant, the map
 * holds at most one body per tenant ever requested; {@link #onChange} drops a body as soon as its tenant is removed, so
 * bytes of deleted tenants do not linger. A plain map rather than a weak-keyed Caffeine cache keeps Caffeine in
 * {@code ConfigCache} only.
 */
final class SnapshotBodies {
    /** A snapshot, its JSON and its {@code ETag}. */
    record Body(SnapshotJson.Rendered rendered, String etag) {
        /** The snapshot rendered. */
        TenantSnapshot snapshot() {
            return rendered.snapshot();
        }

        /** Its JSON. */
        Buffer json() {
            return rendered.json();
        }
    }

    private final ConcurrentHashMap<UUID, Body> bodies = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The body of {@code snapshot}, rendered now unless it already was. */
    Body of(TenantSnapshot snapshot) {
        Body held = bodies.get(snapshot.tenant());
        if (held != null && held.snapshot() == snapshot) {
            return held;
        }
        Body fresh = new Body(
                SnapshotJson.render(snapshot, held == null ? null : held.rendered()),
                EntityTags.of(snapshot.version()));
        if (!closed) {
            // Keep the newest: two requests racing on a replacement must not leave the older body to serve as the base.
            bodies.merge(
                    snapshot.tenant(),
                    fresh,
                    (old, mine) -> old.snapshot().version() > mine.snapshot().version() ? old : mine);
        }
        return fresh;
    }

    /** Forgets the body of a tenant that was removed; a replaced one stays as the base of its successor's rendering. */
    void onChange(TenantChange change) {
        if (change.isRemoval()) {
            bodies.remove(change.tenant());
        }
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
