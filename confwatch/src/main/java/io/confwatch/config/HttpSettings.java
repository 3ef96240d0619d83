package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_ADMIN_TOKEN;
import static io.confwatch.config.Setting.CONFWATCH_HTTP_HOST;
import static io.confwatch.config.Setting.CONFWATCH_HTTP_PORT;
import static io.confwatch.config.Setting.CONFWATCH_MAX_LONG_POLLS;
import static io.confwatch.config.Setting.CONFWATCH_WATCH_BUFFER_KIB;
import static io.confwatch.config.Setting.CONFWATCH_WATCH_MAX_STREAMS;
import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTTP server: where it listens, the admin token guarding {@code /admin/*}, and the bounds on held requests.
 *
 * @param host address to bind, e.g. {@code 0.0.0.0} or {@code ::} ({@code CONFWATCH_HTTP_HOST})
 * @param port 1–65535, or 0 for a free port ({@code CONFWATCH_HTTP_PORT})
 * @param adminToken bearer token for the admin routes, if any ({@code CONFWATCH_ADMIN_TOKEN})
 * @param maxWatchStreams open {@code GET /watch} streams at most ({@code CONFWATCH_WATCH_MAX_STREAMS})
 * @param watchBufferBytes unsent bytes a watch stream may queue before it is cut off
 *     ({@code CONFWATCH_WATCH_BUFFER_KIB} × 1024)
 * @param maxLongPolls snapshot requests waiting for a version at once ({@code CONFWATCH_MAX_LONG_POLLS})
 */
public record HttpSettings(
        String host,
        int port,
        Optional<Secret> adminToken,
        int maxWatchStreams,
        int watchBufferBytes,
        int maxLongPolls) {

    /** Shortest admin token accepted. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    /** Default of {@code CONFWATCH_WATCH_MAX_STREAMS}. */
    public static final int DEFAULT_MAX_WATCH_STREAMS = 256;
    /** Default of {@code CONFWATCH_WATCH_BUFFER_KIB}, in bytes. */
    public static final int DEFAULT_WATCH_BUFFER_BYTES = 1024 * 1024;
    /** Default of {@code CONFWATCH_MAX_LONG_POLLS}. */
    public static final int DEFAULT_MAX_LONG_POLLS = 1000;

    private static final int MIN_WATCH_BUFFER_KIB = 16;
    private static final int MAX_WATCH_BUFFER_KIB = 1024 * 1024;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%_-]+");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    /** Validates the host, the port range, the token's length and characters, and the bounds. */
    public HttpSettings {
        requireNonNull(host, "host");
        requireNonNull(adminToken, "adminToken");
        if (!HOST.matcher(host).matches()) {
            throw ConfigException.of(CONFWATCH_HTTP_HOST, host, "not a host name or IP address (e.g. 0.0.0.0, ::)");
        }
        Check.between(CONFWATCH_HTTP_PORT, port, 0, 65535);
        adminToken.ifPresent(HttpSettings::checkToken);
        Check.between(CONFWATCH_WATCH_MAX_STREAMS, maxWatchStreams, 1, 100_000);
        if (watchBufferBytes < MIN_WATCH_BUFFER_KIB * 1024 || watchBufferBytes > MAX_WATCH_BUFFER_KIB * 1024) {
            throw ConfigException.of(
                    CONFWATCH_WATCH_BUFFER_KIB,
                    watchBufferBytes + " bytes",
                    "must be between " + MIN_WATCH_BUFFER_KIB + " and " + MAX_WATCH_BUFFER_KIB + " KiB");
        }
        Check.between(CONFWATCH_MAX_LONG_POLLS, maxLongPolls, 1, 100_000);
    }

    /** Where to listen and the admin token, with the default bounds on held requests. */
    public HttpSettings(String host, int port, Optional<Secret> adminToken) {
        this(host, port, adminToken, DEFAULT_MAX_WATCH_STREAMS, DEFAULT_WATCH_BUFFER_BYTES, DEFAULT_MAX_LONG_POLLS);
    }

    /** These settings listening on {@code host}. */
    public HttpSettings withHost(String host) {
        return new HttpSettings(host, port, adminToken, maxWatchStreams, watchBufferBytes, maxLongPolls);
    }

    /** These settings listening on {@code port} (0 for a free port). */
    public HttpSettings withPort(int port) {
        return new HttpSettings(host, port, adminToken, maxWatchStreams, watchBufferBytes, maxLongPolls);
    }

    /** These settings with {@code adminToken} guarding the admin routes. */
    public HttpSettings withAdminToken(String adminToken) {
        return new HttpSettings(
                host, port, Optional.of(Secret.of(adminToken)), maxWatchStreams, watchBufferBytes, maxLongPolls);
    }

    /** These settings without an admin token. */
    public HttpSettings withoutAdminToken() {
        return new HttpSettings(host, port, Optional.empty(), maxWatchStreams, watchBufferBytes, maxLongPolls);
    }

    /** These settings with at most {@code maxWatchStreams} watch streams, each queueing {@code bufferBytes}. */
    public HttpSettings withWatchLimits(int maxWatchStreams, int bufferBytes) {
        return new HttpSettings(host, port, adminToken, maxWatchStreams, bufferBytes, maxLongPolls);
    }

    /** These settings with at most {@code maxLongPolls} waiting snapshot requests. */
    public HttpSettings withMaxLongPolls(int maxLongPolls) {
        return new HttpSettings(host, port, adminToken, maxWatchStreams, watchBufferBytes, maxLongPolls);
    }

    /** Reads the HTTP settings. */
    static HttpSettings read(Env env) {
        return new HttpSettings(
                env.text(CONFWATCH_HTTP_HOST),
                env.integer(CONFWATCH_HTTP_PORT),
                env.get(CONFWATCH_ADMIN_TOKEN).map(Secret::of),
                env.integer(CONFWATCH_WATCH_MAX_STREAMS),
                1024
                        * Check.between(
                                CONFWATCH_WATCH_BUFFER_KIB,
                                env.integer(CONFWATCH_WATCH_BUFFER_KIB),
                                MIN_WATCH_BUFFER_KIB,
                                MAX_WATCH_BUFFER_KIB),
                env.integer(CONFWATCH_MAX_LONG_POLLS));
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
