package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** libpq's {@code sslmode} values, from no TLS to TLS with a verified certificate and host name. */
public enum SslMode {
    /** No TLS. */
    DISABLE("disable"),
    /** Plain first; TLS if the server refuses plain text. */
    ALLOW("allow"),
    /** TLS first; plain if the server refuses TLS. */
    PREFER("prefer"),
    /** TLS, the server not verified (unless a root certificate is given: then its chain is). */
    REQUIRE("require"),
    /** TLS, the server's certificate chain verified. */
    VERIFY_CA("verify-ca"),
    /** TLS, the server's certificate chain and host name verified. */
    VERIFY_FULL("verify-full");

    /** The accepted spellings, for messages. */
    static final String NAMES = Arrays.stream(values()).map(SslMode::text).collect(Collectors.joining(", "));

    private final String text;

    SslMode(String text) {
        this.text = text;
    }

    /** The libpq spelling, e.g. {@code verify-full}. */
    public String text() {
        return text;
    }

    /** The mode spelled {@code text} as libpq spells it, if any. */
    public static Optional<SslMode> parse(String text) {
        requireNonNull(text, "text");
        return Arrays.stream(values()).filter(mode -> mode.text.equals(text)).findFirst();
    }
}
