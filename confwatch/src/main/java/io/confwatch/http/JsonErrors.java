package io.confwatch.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every error the router produces a JSON {@code {"error": "…"}}: unknown routes (404), wrong methods on known
 * paths (405 with {@code Allow}), and failures (500, logged here with the request; the client gets a generic message,
 * never an exception class or a stack trace).
 */
final class JsonErrors {
    private static final Logger log = LoggerFactory.getLogger(JsonErrors.class);

    /** Statuses vertx-web itself may answer with besides 404, 405 and 500, e.g. 400 for a malformed path. */
    private static final int[] OTHER_STATUSES = {400, 401, 403, 406, 413, 414, 415, 501, 503};

    static final String INTERNAL_ERROR = "internal error; the worker's log has the details";

    private JsonErrors() {}

    /** Installs the JSON error handlers on {@code router}. */
    static void install(Router router) {
        router.errorHandler(404, rc -> Responses.error(rc, 404, "not found"));
        router.errorHandler(405, rc -> Responses.error(rc, 405, "method not allowed"));
        router.errorHandler(500, JsonErrors::internalError);
        for (int status : OTHER_STATUSES) {
            router.errorHandler(status, rc -> onStatus(rc, status));
        }
    }

    /**
     * Answers 405 with {@code Allow} on {@code path} for every method but {@code allowed}. Mount after the path's
     * real routes: vertx-web's own 405 leaves the {@code Allow} header out once a 405 error handler is installed.
     */
    static void allowOnly(Router router, String path, HttpMethod... allowed) {
        String allow = Arrays.stream(allowed).map(HttpMethod::name).collect(Collectors.joining(", "));
        router.route(path).handler(rc -> {
            rc.response().putHeader(HttpHeaders.ALLOW, allow);
            Responses.error(rc, 405, "method not allowed; use " + allow);
        });
    }

    private static void onStatus(RoutingContext rc, int status) {
        if (rc.failure() != null) {
            log.debug(
                    "HTTP {} {} answered {}",
                    rc.request().method(),
                    rc.request().path(),
                    status,
                    rc.failure());
        }
        Responses.error(
                rc, status, HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT));
    }

    private static void internalError(RoutingContext rc) {
        log.error("HTTP {} {} failed", rc.request().method(), rc.request().path(), rc.failure());
        if (rc.response().headWritten()) {
            // Too late for a status: cut the connection so the client sees a broken answer, not a short one.
            rc.request().connection().close();
            return;
        }
        Responses.error(rc, 500, INTERNAL_ERROR);
    }
}
