package io.confwatch.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A secret string (password, token) that prints as {@code <redacted>} and compares in constant time. */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a non-empty secret value. */
    public static Secret of(String value) {
        requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** The secret itself; call only where it is handed to the thing that needs it (a driver, a comparison). */
    public String reveal() {
        return value;
    }

    /** Whether {@code candidate} equals this secret, in time independent of where they differ and of length. */
    public boolean matches(String candidate) {
        requireNonNull(candidate, "candidate");
        return MessageDigest.isEqual(sha256(value), sha256(candidate));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && matches(secret.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Always {@code <redacted>}. */
    @Override
    public String toString() {
        return ConfigException.REDACTED;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
