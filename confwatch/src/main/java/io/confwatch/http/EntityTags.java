package io.confwatch.http;

import java.util.List;

/**
 * A snapshot's {@code ETag} is its version, {@code "<version>"}. {@code If-None-Match} is compared the weak way (RFC 9110
 * §13.1.2): {@code W/"7"} matches {@code "7"}, lists match if any member does, and {@code *} matches whatever is held.
 */
final class EntityTags {
    private EntityTags() {}

    /** The {@code ETag} of {@code version}, quotes included. */
    static String of(long version) {
        return "\"" + version + "\"";
    }

    /** Whether any {@code If-None-Match} header value names {@code version}. */
    static boolean anyMatches(List<String> ifNoneMatch, long version) {
        if (ifNoneMatch.isEmpty()) {
            return false;
        }
        String opaque = Long.toString(version);
        for (String value : ifNoneMatch) {
            if (matches(value, opaque)) {
                return true;
            }
        }
        return false;
    }

    /** Scans {@code 1#entity-tag} or {@code *}; a malformed rest of the value matches nothing. */
    private static boolean matches(String header, String opaque) {
        int i = 0;
        int length = header.length();
        while (i < length) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= length || header.charAt(i) != '"') {
                return false;
            }
            int end = header.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            if (end - i - 1 == opaque.length() && header.regionMatches(i + 1, opaque, 0, opaque.length())) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }
}
