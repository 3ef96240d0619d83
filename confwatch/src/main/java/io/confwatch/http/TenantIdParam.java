package io.confwatch.http;

import java.util.Optional;
import java.util.UUID;

/**
 * Reads a tenant id from a path: only the canonical 36-character form ({@code 8-4-4-4-12} hex digits, any case).
 * {@link UUID#fromString} alone would also take {@code 1-2-3-4-5}, which names a tenant no client meant.
 */
final class TenantIdParam {
    /** What a malformed id is told. */
    static final String MALFORMED = "malformed tenant id: expected a UUID like 123e4567-e89b-12d3-a456-426614174000";

    private TenantIdParam() {}

    /** The id {@code text} spells, or empty when it is not a canonical UUID. */
    static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-' : isHexDigit(c);
            if (!ok) {
                return Optional.empty();
            }
        }
        return Optional.of(UUID.fromString(text));
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
