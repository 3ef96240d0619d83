package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format. A scrape renders hundreds of histogram buckets and
 * reads JVM beans, so it runs on the worker pool.
 */
final class MetricsRoute {
    static final CharSequence PROMETHEUS_TEXT = HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

    private final ConfWatch confWatch;

    MetricsRoute(ConfWatch confWatch) {
        this.confWatch = confWatch;
    }

    /** Adds {@code /metrics} to {@code router}. */
    void mount(Router router) {
        router.get("/metrics").handler(this::scrape);
        JsonErrors.allowOnly(router, "/metrics", HttpMethod.GET);
    }

    private void scrape(RoutingContext rc) {
        if (!(confWatch.registry() instanceof PrometheusMeterRegistry prometheus)) {
            // Deployed with an application's registry of another kind: the application publishes the meters.
            Responses.error(rc, 404, "metrics are published by the application's own registry");
            return;
        }
        rc.vertx()
                .executeBlocking(prometheus::scrape, /* ordered= */ false)
                .onSuccess(text -> {
                    if (!rc.response().closed()) {
                        rc.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .putHeader(HttpHeaders.CACHE_CONTROL, Responses.NO_STORE)
                                .end(text);
                    }
                })
                .onFailure(rc::fail);
    }
}
