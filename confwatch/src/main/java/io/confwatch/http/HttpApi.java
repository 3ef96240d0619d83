package io.confwatch.http;

import static java.util.Objects.requireNonNull;

import io.confwatch.ConfWatch;
import io.confwatch.config.HttpSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running HTTP API (DESIGN §5) of one {@link ConfWatch}: {@link #start} deploys it on the worker's Vert.x instance,
 * {@link #close} takes it down. It reads the worker only through the public {@link ConfWatch} API.
 *
 * <p>With {@code instances > 1} the same port is served from several event loops: Vert.x binds the socket once and
 * hands connections to the instances in turn.
 */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** Tells one API's shared free port from another's: Vert.x shares a port among servers given the same value. */
    private static final AtomicInteger SHARED_FREE_PORTS = new AtomicInteger();

    private final Vertx vertx;
    private final Parts parts;
    private final String deployment;
    private final int actualPort;

    private HttpApi(Vertx vertx, Parts parts, String deployment, int actualPort) {
        this.vertx = vertx;
        this.parts = parts;
        this.deployment = deployment;
        this.actualPort = actualPort;
    }

    /**
     * Starts the API on one event loop. {@code adminOpenWithoutToken} opens {@code /admin/*} when no admin token is
     * configured (embedded mode); otherwise those routes answer 403 until a token is set.
     */
    public static Future<HttpApi> start(ConfWatch confWatch, HttpSettings settings, boolean adminOpenWithoutToken) {
        return start(confWatch, settings, adminOpenWithoutToken, 1);
    }

    /** Like {@link #start(ConfWatch, HttpSettings, boolean)}, serving from {@code instances} event loops. */
    public static Future<HttpApi> start(
            ConfWatch confWatch, HttpSettings settings, boolean adminOpenWithoutToken, int instances) {
        requireNonNull(confWatch, "confWatch");
        requireNonNull(settings, "settings");
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1: " + instances);
        }
        Vertx vertx = confWatch.vertx();
        Parts parts = Parts.of(confWatch, settings);
        // Port 0 would give each instance a port of its own; a negative port is Vert.x's "one free port, shared".
        int port = settings.port() == 0 && instances > 1 ? -SHARED_FREE_PORTS.incrementAndGet() : settings.port();
        List<ApiVerticle> started = new CopyOnWriteArrayList<>();
        Supplier<ApiVerticle> verticle = () -> {
            ApiVerticle api = new ApiVerticle(confWatch, settings, port, adminOpenWithoutToken, parts);
            started.add(api);
            return api;
        };
        return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances))
                .map(id -> new HttpApi(vertx, parts, id, started.get(0).actualPort()))
                .onSuccess(api -> log.info(
                        "HTTP API listening on {}:{} ({} event loop{}; admin routes {})",
                        settings.host(),
                        api.actualPort(),
                        instances,
                        instances == 1 ? "" : "s",
                        settings.adminToken().isPresent()
                                ? "need the bearer token"
                                : adminOpenWithoutToken ? "open (embedded mode)" : "disabled"));
    }

    /**
     * The API's routes (DESIGN §5) on a router an application mounts under its own HTTP server, so it needs no second
     * port: {@code appRouter.route("/confwatch/*").subRouter(HttpApi.router(confWatch, settings))}. The admin routes
     * need {@code settings}' bearer token (403 without one); {@code /metrics} answers only when ConfWatch's registry is a
     * Prometheus one. The routes live as long as {@code confWatch}.
     */
    public static Router router(ConfWatch confWatch, HttpSettings settings) {
        requireNonNull(confWatch, "confWatch");
        requireNonNull(settings, "settings");
        return ApiVerticle.routes(
                confWatch.vertx(),
                confWatch,
                settings,
                /* adminOpenWithoutToken= */ false,
                Parts.of(confWatch, settings));
    }

    /** What the routes of one API share: the rendered bodies, the bounds on held requests, the watch hub. */
    record Parts(SnapshotBodies bodies, HeldRequests held, WatchHub hub) {
        static Parts of(ConfWatch confWatch, HttpSettings settings) {
            SnapshotBodies bodies = new SnapshotBodies();
            confWatch.addListener(bodies::onChange);
            HeldRequests held = new HeldRequests(settings, confWatch.registry());
            WatchHub hub = new WatchHub(confWatch::snapshot, WatchHub.REMOVAL_LOG);
            // Listen first, then number what is held: a change in between is reconciled twice, harmlessly.
            confWatch.addListener(change -> hub.reconcile(change.tenant()));
            confWatch.tenants().forEach(snapshot -> hub.reconcile(snapshot.tenant()));
            return new Parts(bodies, held, hub);
        }

        /** Stops the rendered bodies and the watch hub (the held requests end with their connections). */
        void close() {
            bodies.close();
            hub.close();
        }
    }

    /** The port the API listens on: the configured one, or the free one picked for port 0. */
    public int actualPort() {
        return actualPort;
    }

    /** The held requests' bounds and meters (tests). */
    HeldRequests heldRequests() {
        return parts.held();
    }

    /** Stops serving: closes the listening socket and every connection. */
    public Future<Void> close() {
        parts.close();
        return vertx.undeploy(deployment);
    }
}
