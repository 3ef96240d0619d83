package io.confwatch.http;

import io.confwatch.config.Secret;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards {@code /admin/*}: {@code Authorization: Bearer <token>} compared in constant time, else 401 with
 * {@code WWW-Authenticate: Bearer}. With no token configured the routes are off (403), unless the caller opened them on
 * purpose (embedded mode, where the database is local and throw-away).
 */
final class AdminAuth implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(AdminAuth.class);
    private static final String BEARER = "bearer ";
    static final String DISABLED = "admin API disabled: set CONFWATCH_ADMIN_TOKEN";

    private final Optional<Secret> token;
    private final boolean openWithoutToken;

    AdminAuth(Optional<Secret> token, boolean openWithoutToken) {
        this.token = token;
        this.openWithoutToken = openWithoutToken;
    }

    @Override
    public void handle(RoutingContext rc) {
        if (token.isEmpty()) {
            if (openWithoutToken) {
                rc.next();
            } else {
                Responses.error(rc, 403, DISABLED);
            }
            return;
        }
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            if (token.get().matches(header.substring(BEARER.length()).trim())) {
                rc.next();
                return;
            }
        }
        log.debug(
                "Refused {} {} from {}: {} bearer token",
                rc.request().method(),
                rc.request().path(),
                rc.request().remoteAddress(),
                header == null ? "no" : "a wrong");
        rc.response().putHeader("WWW-Authenticate", "Bearer");
        Responses.error(rc, 401, "missing or wrong bearer token (Authorization: Bearer <CONFWATCH_ADMIN_TOKEN>)");
    }
}
