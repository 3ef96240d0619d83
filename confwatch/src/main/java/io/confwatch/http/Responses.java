package io.confwatch.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Ends responses the one way this API does: JSON with {@code Content-Type: application/json}, errors included. */
final class Responses {
    static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    private Responses() {}

    /** Ends the response with {@code status} and the JSON {@code body}; a no-op if the client is gone. */
    static Future<Void> json(RoutingContext rc, int status, Buffer body) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .end(body);
    }

    /** Like {@link #json}, and tells caches not to keep the answer: it changes from one request to the next. */
    static Future<Void> uncachedJson(RoutingContext rc, int status, Buffer body) {
        rc.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
        return json(rc, status, body);
    }

    /** Ends the response with {@code status} and {@code {"error": message}}. */
    static Future<Void> error(RoutingContext rc, int status, String message) {
        return json(rc, status, errorBody(message));
    }

    /** {@code {"error": message}}. */
    static Buffer errorBody(String message) {
        return JsonOutput.write(64 + message.length(), json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        });
    }
}
