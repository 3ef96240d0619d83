package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /livez}: 200 whenever the event loop gets to answer. {@code GET /readyz}: 200 once the initial load is done,
 * 503 before it and during shutdown. Both are cheap enough for a probe every second.
 */
final class HealthRoutes {
    private static final Buffer LIVE = fixed("live", true);
    private static final Buffer READY = fixed("ready", true);
    private static final Buffer NOT_READY = fixed("ready", false);

    private final ConfWatch confWatch;

    HealthRoutes(ConfWatch confWatch) {
        this.confWatch = confWatch;
    }

    /** Adds the health routes to {@code router}. */
    void mount(Router router) {
        router.get("/livez").handler(this::live);
        router.get("/readyz").handler(this::ready);
        JsonErrors.allowOnly(router, "/livez", HttpMethod.GET);
        JsonErrors.allowOnly(router, "/readyz", HttpMethod.GET);
    }

    private void live(RoutingContext rc) {
        Responses.uncachedJson(rc, 200, LIVE);
    }

    private void ready(RoutingContext rc) {
        boolean ready = confWatch.isReady();
        Responses.uncachedJson(rc, ready ? 200 : 503, ready ? READY : NOT_READY);
    }

    private static Buffer fixed(String field, boolean value) {
        return JsonOutput.write(json -> {
            json.writeStartObject();
            json.writeBooleanField(field, value);
            json.writeEndObject();
        });
    }
}
