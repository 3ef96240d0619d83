package io.confwatch.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The Server-Sent Events frames of {@code GET /watch}: {@code id: <cursor>}, {@code event: <type>}, one {@code data:}
 * line of JSON, a blank line. JSON as this API writes it never holds a raw line break (Jackson escapes them inside
 * strings, and PostgreSQL renders {@code jsonb} on one line), so one {@code data:} line always carries it whole.
 */
final class SseEvents {
    static final String SNAPSHOT = "snapshot";
    static final String DELTA = "delta";
    static final String REMOVED = "removed";
    static final String RESET = "reset";
    static final String SYNCED = "synced";
    static final String BOOKMARK = "bookmark";
    /** Every event type, the tag values of {@code confwatch_watch_events_total}. */
    static final List<String> TYPES = List.of(SNAPSHOT, DELTA, REMOVED, RESET, SYNCED, BOOKMARK);

    /** Sent first: browsers' {@code EventSource} reconnect after this many milliseconds instead of about 3 s. */
    static final Buffer RETRY = Buffer.buffer("retry: 1000\n\n");

    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final Buffer EMPTY_OBJECT = Buffer.buffer("{}");

    private SseEvents() {}

    /** Everything of a frame before its data. */
    static Buffer head(WatchCursor id, String type) {
        return Buffer.buffer("id: " + id + "\nevent: " + type + "\ndata: ");
    }

    /** Everything of a frame after its data. */
    static Buffer tail() {
        return Buffer.buffer(SUFFIX);
    }

    /** A whole frame with a small JSON {@code data}. */
    static Buffer frame(WatchCursor id, String type, Buffer data) {
        return head(id, type).appendBuffer(data).appendBytes(SUFFIX);
    }

    /** {@code removed}: {@code {"tenant": …, "version": …}}. */
    static Buffer removed(WatchCursor id, UUID tenant, long version) {
        return frame(id, REMOVED, JsonOutput.write(json -> {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", tenant);
            json.writeNumberField("version", version);
            json.writeEndObject();
        }));
    }

    /** {@code reset}: {@code {"reason": …}}; what follows until {@code synced} is everything. */
    static Buffer reset(WatchCursor id, String reason) {
        return frame(id, RESET, JsonOutput.write(json -> {
            json.writeStartObject();
            json.writeStringField("reason", reason);
            json.writeEndObject();
        }));
    }

    /** {@code synced}: {@code {}}; the client now holds what this worker holds, and live changes follow. */
    static Buffer synced(WatchCursor id) {
        return frame(id, SYNCED, EMPTY_OBJECT);
    }

    /** {@code bookmark}: {@code {}}; nothing changed, but the cursor moved on (and the connection is alive). */
    static Buffer bookmark(WatchCursor id) {
        return frame(id, BOOKMARK, EMPTY_OBJECT);
    }
}
