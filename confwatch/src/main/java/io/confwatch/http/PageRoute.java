package io.confwatch.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the live page, one HTML file with its script inline (no build step), which follows {@code /watch} with
 * the browser's {@code EventSource} and shows the tenants held and each change as it lands.
 */
final class PageRoute {
    static final String RESOURCE = "/io/confwatch/http/live.html";

    private static final CharSequence TEXT_HTML = HttpHeaders.createOptimized("text/html; charset=utf-8");
    /** The page loads nothing from elsewhere and talks only to this worker. */
    private static final CharSequence POLICY = HttpHeaders.createOptimized(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");

    private final Buffer page = load();

    /** Adds {@code /} to {@code router}. */
    void mount(Router router) {
        router.get("/").handler(this::page);
        JsonErrors.allowOnly(router, "/", HttpMethod.GET);
    }

    private void page(RoutingContext rc) {
        rc.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, TEXT_HTML)
                .putHeader(HttpHeaders.CACHE_CONTROL, Responses.NO_STORE)
                .putHeader("Content-Security-Policy", POLICY)
                .end(page);
    }

    private static Buffer load() {
        try (InputStream in = PageRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the live page is missing from the jar: " + RESOURCE);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
