package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.confwatch.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** One HTTP server on one event loop, serving every route; the server closes when the verticle is undeployed. */
final class ApiVerticle extends VerticleBase {
    private final ConfWatch confWatch;
    private final HttpSettings settings;
    private final int port;
    private final boolean adminOpenWithoutToken;
    private final HttpApi.Parts parts;
    private HttpServer server;

    ApiVerticle(
            ConfWatch confWatch, HttpSettings settings, int port, boolean adminOpenWithoutToken, HttpApi.Parts parts) {
        this.confWatch = confWatch;
        this.settings = settings;
        this.port = port;
        this.adminOpenWithoutToken = adminOpenWithoutToken;
        this.parts = parts;
    }

    @Override
    public Future<?> start() {
        Router router = routes(vertx, confWatch, settings, adminOpenWithoutToken, parts);
        server = vertx.createHttpServer(
                        new HttpServerOptions().setHost(settings.host()).setPort(port))
                .requestHandler(router);
        return server.listen();
    }

    /** Every route of the API on a new router: one server's, or one an application mounts under its own. */
    static Router routes(
            io.vertx.core.Vertx vertx,
            ConfWatch confWatch,
            HttpSettings settings,
            boolean adminOpenWithoutToken,
            HttpApi.Parts parts) {
        SnapshotBodies bodies = parts.bodies();
        HeldRequests held = parts.held();
        Router router = Router.router(vertx);
        JsonErrors.install(router);
        new HealthRoutes(confWatch).mount(router);
        new PageRoute().mount(router);
        new StatusRoutes(confWatch, held).mount(router);
        new MetricsRoute(confWatch).mount(router);
        new TenantRoutes(confWatch, bodies, held).mount(router);
        new WatchRoutes(confWatch, bodies, held, parts.hub()).mount(router);
        new AdminRoutes(confWatch, settings, adminOpenWithoutToken).mount(router);
        return router;
    }

    /** The port this server listens on, once started. */
    int actualPort() {
        return server.actualPort();
    }
}
