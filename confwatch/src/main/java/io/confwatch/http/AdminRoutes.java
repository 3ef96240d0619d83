package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.confwatch.config.HttpSettings;
import io.confwatch.model.ReadOutcome;
import io.confwatch.model.TenantSnapshot;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/reload}: queue a forced read of every owned tenant, 202 {@code {"scheduled": n}}.
 * {@code POST /admin/reload/{id}}: read one tenant now, forced; once done, its {@link ReadOutcome}: 200
 * {@code {"tenant", "version", "outcome": "installed"|"unchanged"}}, 404 when gone, 503 naming the cause when the read
 * failed. Both are behind {@link AdminAuth}.
 */
final class AdminRoutes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

    /** How long {@code POST /admin/reload/{id}} waits for its read; the read goes on past it. */
    static final Duration RELOAD_WAIT = Duration.ofSeconds(30);

    private final ConfWatch confWatch;
    private final AdminAuth auth;

    AdminRoutes(ConfWatch confWatch, HttpSettings settings, boolean openWithoutToken) {
        this.confWatch = confWatch;
        this.auth = new AdminAuth(settings.adminToken(), openWithoutToken);
    }

    /** Adds the admin routes, authentication first: a caller without the token learns nothing about them. */
    void mount(Router router) {
        router.route("/admin/*").handler(auth);
        router.post("/admin/reload").handler(this::reloadAll);
        router.post("/admin/reload/:id").handler(this::reloadOne);
        JsonErrors.allowOnly(router, "/admin/reload", HttpMethod.POST);
        JsonErrors.allowOnly(router, "/admin/reload/:id", HttpMethod.POST);
    }

    private void reloadAll(RoutingContext rc) {
        Future.fromCompletionStage(confWatch.reloadAll(), rc.vertx().getOrCreateContext())
                .onSuccess(count -> {
                    log.info("Admin reload of all tenants: {} queued", count);
                    Responses.json(rc, 202, JsonOutput.write(json -> {
                        json.writeStartObject();
                        json.writeNumberField("scheduled", count);
                        json.writeEndObject();
                    }));
                })
                .onFailure(error -> {
                    log.warn("Admin reload of all tenants failed: {}", error.toString());
                    Responses.error(rc, 503, "reload not scheduled: the tenant list could not be read");
                });
    }

    private void reloadOne(RoutingContext rc) {
        Optional<UUID> id = TenantIdParam.parse(rc.pathParam("id"));
        if (id.isEmpty()) {
            Responses.error(rc, 400, TenantIdParam.MALFORMED);
            return;
        }
        UUID tenant = id.get();
        if (!confWatch.owns(tenant)) {
            Responses.json(rc, 404, TenantRoutes.otherShard(confWatch.ownerShard(tenant)));
            return;
        }
        Future.fromCompletionStage(confWatch.reloadOutcome(tenant), rc.vertx().getOrCreateContext())
                .timeout(RELOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(outcome -> answer(rc, tenant, outcome))
                .onFailure(error -> {
                    if (error instanceof TimeoutException) {
                        Responses.error(rc, 504, "reload still running after " + RELOAD_WAIT.toSeconds() + "s");
                    } else {
                        rc.fail(error);
                    }
                });
    }

    /** Answers with the read's outcome as it is: 200 installed/unchanged, 404 gone, 503 failed naming the cause. */
    private static void answer(RoutingContext rc, UUID tenant, ReadOutcome outcome) {
        if (outcome instanceof ReadOutcome.Failed failed) {
            log.warn("Admin reload of tenant {} failed: {}", tenant, failed.cause());
            Responses.error(
                    rc,
                    503,
                    "reload failed: " + failed.cause()
                            + "; the last good snapshot is still served and the read is retried");
            return;
        }
        if (outcome.held().isEmpty()) {
            Responses.error(rc, 404, "tenant not found");
            return;
        }
        TenantSnapshot held = outcome.held().get();
        String label = outcome.label();
        log.info("Admin reload of tenant {}: {} version {}", tenant, label, held.version());
        Responses.json(rc, 200, JsonOutput.write(json -> {
            json.writeStartObject();
            JsonOutput.uuid(json, "tenant", tenant);
            json.writeNumberField("version", held.version());
            json.writeStringField("outcome", label);
            json.writeEndObject();
        }));
    }
}
