package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.confwatch.model.TenantSnapshot;
import io.micrometer.core.instrument.LongTaskTimer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /tenants}: what this worker holds. {@code GET /tenants/{id}}: one snapshot with its {@code ETag}, 304 when
 * the client already has that version, and the long poll {@code ?minVersion=N&wait=5s} that lets a writer confirm its
 * write reached this pod. A waiting request parks no thread: it is a callback on the request's own context, dropped
 * when the client goes away.
 */
final class TenantRoutes {
    static final String LONG_POLLS = "confwatch.http.long.polls";
    static final CharSequence STALE_HEADER = HttpHeaders.createOptimized("X-ConfWatch-Stale");

    private static final CharSequence TRUE = HttpHeaders.createOptimized("true");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    /** What a refused long poll is told to wait: a waiting slot frees up as soon as any wait ends. */
    static final CharSequence RETRY_AFTER_SECONDS = HttpHeaders.createOptimized("1");
    /** The 404 body for a tenant shard {@code owner} owns, not this one (DESIGN §4.4a). */
    static Buffer otherShard(int owner) {
        return JsonOutput.write(json -> {
            json.writeStartObject();
            json.writeStringField("error", "tenant owned by another shard");
            json.writeNumberField("owner", owner);
            json.writeEndObject();
        });
    }

    private static final Buffer NOT_FOUND = Responses.errorBody("tenant not found");

    private final ConfWatch confWatch;
    private final SnapshotBodies bodies;
    private final LongTaskTimer longPolls;
    private final HeldRequests held;

    TenantRoutes(ConfWatch confWatch, SnapshotBodies bodies, HeldRequests held) {
        this.confWatch = confWatch;
        this.bodies = bodies;
        this.held = held;
        this.longPolls = LongTaskTimer.builder(LONG_POLLS)
                .description("Snapshot requests waiting for a tenant version (?minVersion=N&wait=…)")
                .register(confWatch.registry());
    }

    /** Adds {@code /tenants} and {@code /tenants/:id} to {@code router}. */
    void mount(Router router) {
        router.get("/tenants").handler(this::list);
        router.get("/tenants/:id").handler(this::one);
        JsonErrors.allowOnly(router, "/tenants", HttpMethod.GET);
        JsonErrors.allowOnly(router, "/tenants/:id", HttpMethod.GET);
    }

    private void list(RoutingContext rc) {
        rc.vertx()
                .executeBlocking(() -> SnapshotJson.tenantList(confWatch.tenants()), /* ordered= */ false)
                .onSuccess(body -> Responses.uncachedJson(rc, 200, body))
                .onFailure(rc::fail);
    }

    private void one(RoutingContext rc) {
        Optional<UUID> id = TenantIdParam.parse(rc.pathParam("id"));
        if (id.isEmpty()) {
            Responses.error(rc, 400, TenantIdParam.MALFORMED);
            return;
        }
        Optional<LongPoll> poll;
        try {
            poll = rc.request().query() == null ? Optional.empty() : LongPoll.from(rc.queryParams());
        } catch (LongPoll.BadParameter e) {
            Responses.error(rc, 400, e.getMessage());
            return;
        }
        UUID tenant = id.get();
        if (!confWatch.owns(tenant)) {
            Responses.json(rc, 404, otherShard(confWatch.ownerShard(tenant)));
            return;
        }
        Optional<TenantSnapshot> held = confWatch.snapshot(tenant);
        if (poll.isEmpty() || isSatisfied(poll.get(), held)) {
            answer(rc, held, /* stale= */ false);
        } else if (poll.get().maxWait().isZero()) {
            answer(rc, held, /* stale= */ true);
        } else {
            await(rc, tenant, poll.get());
        }
    }

    private void await(RoutingContext rc, UUID tenant, LongPoll poll) {
        if (!held.longPolls.tryAcquire()) {
            held.longPollsRejected.increment();
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            Responses.error(
                    rc,
                    503,
                    "too many requests waiting for a version (CONFWATCH_MAX_LONG_POLLS=" + held.longPolls.limit()
                            + "); retry shortly");
            return;
        }
        Context context = rc.vertx().getOrCreateContext();
        LongTaskTimer.Sample waiting = longPolls.start();
        CompletableFuture<Optional<TenantSnapshot>> arrival =
                confWatch.awaitVersion(tenant, poll.minVersion(), poll.maxWait());
        arrival.whenComplete((snapshot, error) -> {
            waiting.stop();
            held.longPolls.release();
        });
        // The client gave up: stop waiting for it rather than holding the waiter until the timeout.
        rc.response().closeHandler(v -> arrival.cancel(false));
        if (rc.response().closed()) {
            arrival.cancel(false);
        }
        Future.fromCompletionStage(arrival, context)
                .onSuccess(snapshot -> answer(rc, snapshot, !isSatisfied(poll, snapshot)))
                .onFailure(error -> {
                    if (!(error instanceof CancellationException)) {
                        rc.fail(error);
                    }
                });
    }

    private void answer(RoutingContext rc, Optional<TenantSnapshot> held, boolean stale) {
        if (held.isEmpty()) {
            Responses.json(rc, 404, NOT_FOUND);
            return;
        }
        SnapshotBodies.Body body = bodies.of(held.get());
        HttpServerResponse response =
                rc.response().putHeader(HttpHeaders.ETAG, body.etag()).putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
        if (stale) {
            response.putHeader(STALE_HEADER, TRUE);
        }
        if (EntityTags.anyMatches(
                rc.request().headers().getAll(HttpHeaders.IF_NONE_MATCH),
                body.snapshot().version())) {
            if (!response.closed()) {
                response.setStatusCode(304).end();
            }
            return;
        }
        Responses.json(rc, 200, body.json());
    }

    private static boolean isSatisfied(LongPoll poll, Optional<TenantSnapshot> held) {
        return held.isPresent() && poll.isSatisfiedBy(held.get().version());
    }
}
