package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /status}: the worker's state as JSON. Building it walks every held snapshot, so it runs on the worker pool,
 * never on the event loop that serves snapshots.
 */
final class StatusRoutes {
    private final ConfWatch confWatch;
    private final HeldRequests held;

    StatusRoutes(ConfWatch confWatch, HeldRequests held) {
        this.confWatch = confWatch;
        this.held = held;
    }

    /** Adds {@code /status} to {@code router}. */
    void mount(Router router) {
        router.get("/status").handler(this::status);
        JsonErrors.allowOnly(router, "/status", HttpMethod.GET);
    }

    private void status(RoutingContext rc) {
        rc.vertx()
                .executeBlocking(() -> StatusJson.write(confWatch.status(), held), /* ordered= */ false)
                .onSuccess(body -> Responses.uncachedJson(rc, 200, body))
                .onFailure(rc::fail);
    }
}
