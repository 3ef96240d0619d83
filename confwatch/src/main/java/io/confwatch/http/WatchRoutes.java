package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@code GET /watch}: every held tenant (or those of {@code ?tenant=}) as Server-Sent Events, then live changes, resumable
 * with {@code Last-Event-ID} or {@code ?since=} (DESIGN §5; {@link WatchHub} numbers the changes, {@link WatchStream}
 * writes one response).
 */
final class WatchRoutes {
    static final String TENANT = "tenant";
    static final String SINCE = "since";
    static final String DELTA = "delta";
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence NO_BUFFERING = HttpHeaders.createOptimized("no");
    private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("5");

    private final ConfWatch confWatch;
    private final SnapshotBodies bodies;
    private final HeldRequests held;
    private final WatchHub hub;

    WatchRoutes(ConfWatch confWatch, SnapshotBodies bodies, HeldRequests held, WatchHub hub) {
        this.confWatch = confWatch;
        this.bodies = bodies;
        this.held = held;
        this.hub = hub;
    }

    /** Adds {@code /watch} to {@code router}. */
    void mount(Router router) {
        router.get("/watch").handler(this::watch);
        JsonErrors.allowOnly(router, "/watch", HttpMethod.GET);
    }

    private void watch(RoutingContext rc) {
        Predicate<UUID> follows;
        Optional<String> cursor;
        boolean deltas;
        try {
            follows = follows(rc.queryParams().getAll(TENANT));
            cursor = cursor(rc);
            deltas = deltas(rc.queryParams().getAll(DELTA));
        } catch (IllegalArgumentException e) {
            Responses.error(rc, 400, e.getMessage());
            return;
        }
        if (!held.watchStreams.tryAcquire()) {
            held.watchRejected.increment();
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
            Responses.error(
                    rc,
                    503,
                    "too many watch streams open (CONFWATCH_WATCH_MAX_STREAMS=" + held.watchStreams.limit()
                            + "); retry shortly");
            return;
        }
        HttpServerResponse response = rc.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                .putHeader(HttpHeaders.CACHE_CONTROL, Responses.NO_STORE)
                .putHeader("X-Accel-Buffering", NO_BUFFERING);
        WatchStream[] stream = new WatchStream[1];
        stream[0] = new WatchStream(
                rc.vertx(),
                rc.vertx().getOrCreateContext(),
                response,
                hub.instance(),
                follows,
                bodies,
                held,
                deltas,
                () -> {
                    hub.unsubscribe(stream[0]);
                    held.watchStreams.release();
                });
        if (response.closed()) {
            held.watchStreams.release();
            return;
        }
        // The catch-up walks every held tenant under the hub's lock: off the event loop.
        rc.vertx()
                .executeBlocking(() -> hub.subscribe(cursor, follows, stream[0]), /* ordered= */ false)
                .onSuccess(catchup -> {
                    if (response.closed()) {
                        hub.unsubscribe(stream[0]);
                        held.watchStreams.release();
                    } else {
                        stream[0].start(catchup);
                    }
                })
                .onFailure(error -> {
                    hub.unsubscribe(stream[0]);
                    held.watchStreams.release();
                    rc.fail(error);
                });
    }

    /** The tenants {@code ?tenant=} names (all when none); throws on a malformed one. */
    private static Predicate<UUID> follows(List<String> values) {
        if (values.isEmpty()) {
            return tenant -> true;
        }
        Set<UUID> tenants = new HashSet<>();
        for (String value : values) {
            tenants.add(TenantIdParam.parse(value)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "tenant: " + TenantIdParam.MALFORMED + " (got \"" + shorten(value) + "\")")));
        }
        return tenants::contains;
    }

    /** {@code Last-Event-ID} (what a reconnecting {@code EventSource} sends) before {@code ?since=}. */
    private static Optional<String> cursor(RoutingContext rc) {
        String header = rc.request().getHeader(LAST_EVENT_ID);
        if (header != null && !header.isBlank()) {
            return Optional.of(header);
        }
        List<String> since = rc.queryParams().getAll(SINCE);
        if (since.size() > 1) {
            throw new IllegalArgumentException("since is given more than once");
        }
        return since.stream().filter(text -> !text.isBlank()).findFirst();
    }

    /** {@code ?delta=true} asks for {@code delta} events after {@code synced}; absent or {@code false}: snapshots. */
    private static boolean deltas(List<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("delta is given more than once");
        }
        return switch (values.get(0)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException(
                        "delta: must be true or false (got \"" + shorten(values.get(0)) + "\")");
        };
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
