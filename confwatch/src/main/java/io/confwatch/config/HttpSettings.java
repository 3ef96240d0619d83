package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_ADMIN_TOKEN;
import static io.confwatch.config.Setting.CONFWATCH_HTTP_HOST;
import static io.confwatch.config.Setting.CONFWATCH_HTTP_PORT;
import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTTP server: where it listens and the admin token guarding {@code /admin/*}.
 *
 * @param host address to bind, e.g. {@code 0.0.0.0} or {@code ::} ({@code CONFWATCH_HTTP_HOST})
 * @param port 1–65535, or 0 for a free port ({@code CONFWATCH_HTTP_PORT})
 * @param adminToken bearer token for the admin routes, if any ({@code CONFWATCH_ADMIN_TOKEN})
 */
public record HttpSettings(String host, int port, Optional<Secret> adminToken) {

    /** Shortest admin token accepted. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%_-]+");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    /** Validates the host, the port range and the token's length and characters. */
    public HttpSettings {
        requireNonNull(host, "host");
        requireNonNull(adminToken, "adminToken");
        if (!HOST.matcher(host).matches()) {
            throw ConfigException.of(CONFWATCH_HTTP_HOST, host, "not a host name or IP address (e.g. 0.0.0.0, ::)");
        }
        Check.between(CONFWATCH_HTTP_PORT, port, 0, 65535);
        adminToken.ifPresent(HttpSettings::checkToken);
    }

    /** These settings listening on {@code host}. */
    public HttpSettings withHost(String host) {
        return new HttpSettings(host, port, adminToken);
    }

    /** These settings listening on {@code port} (0 for a free port). */
    public HttpSettings withPort(int port) {
        return new HttpSettings(host, port, adminToken);
    }

    /** These settings with {@code adminToken} guarding the admin routes. */
    public HttpSettings withAdminToken(String adminToken) {
        return new HttpSettings(host, port, Optional.of(Secret.of(adminToken)));
    }

    /** These settings without an admin token. */
    public HttpSettings withoutAdminToken() {
        return new HttpSettings(host, port, Optional.empty());
    }

    /** Reads the HTTP settings. */
    static HttpSettings read(Env env) {
        return new HttpSettings(
                env.text(CONFWATCH_HTTP_HOST),
                env.integer(CONFWATCH_HTTP_PORT),
                env.get(CONFWATCH_ADMIN_TOKEN).map(Secret::of));
    }

    private static void checkToken(Secret token) {
        String value = token.reveal();
        if (!TOKEN.matcher(value).matches()) {
            throw ConfigException.of(
                    CONFWATCH_ADMIN_TOKEN,
                    value,
                    "only printable ASCII without spaces is allowed (a trailing newline from the Secret?)");
        }
        if (value.length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw ConfigException.of(
                    CONFWATCH_ADMIN_TOKEN,
                    value,
                    "shorter than " + MIN_ADMIN_TOKEN_LENGTH + " characters (try: openssl rand -hex 32)");
        }
    }
}
