package io.confwatch.listen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.UUID;

/**
 * Parses channel payloads strictly: exactly {@code {"tenant":"<uuid>","version":N}} or
 * {@code {"probe":"<id>","seq":N}}, each key once, N a non-negative integer, the whole payload at most
 * {@link #MAX_PAYLOAD_CHARS}. Everything else is {@link Notification.Malformed}.
 */
public final class NotificationParser {
    /** Longer than any payload ConfWatch sends, far shorter than PostgreSQL's 8000-byte limit. */
    public static final int MAX_PAYLOAD_CHARS = 256;

    private static final int MAX_WORKER_ID_CHARS = 128;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(2)
                    .maxNumberLength(19)
                    .maxStringLength(MAX_PAYLOAD_CHARS)
                    .build())
            .build();

    private NotificationParser() {}

    /** Classifies one payload; never throws. */
    public static Notification parse(String payload) {
        if (payload == null || payload.isEmpty()) {
            return new Notification.Malformed("empty payload");
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            return new Notification.Malformed("payload of " + payload.length() + " chars exceeds " + MAX_PAYLOAD_CHARS);
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            return parseObject(parser);
        } catch (IOException | RuntimeException e) {
            return new Notification.Malformed("not a change hint: " + firstLine(e.getMessage()));
        }
    }

    private static Notification parseObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return new Notification.Malformed("not a JSON object");
        }
        String tenant = null;
        String probe = null;
        Long version = null;
        Long seq = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "tenant" -> tenant = once(tenant, text(value, parser, field), field);
                case "probe" -> probe = once(probe, text(value, parser, field), field);
                case "version" -> version = once(version, number(value, parser, field), field);
                case "seq" -> seq = once(seq, number(value, parser, field), field);
                default -> throw new IllegalArgumentException("unexpected field");
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return new Notification.Malformed("trailing content");
        }
        if (tenant != null && version != null && probe == null && seq == null) {
            return new Notification.ChangeHint(UUID.fromString(canonicalUuid(tenant)), version);
        }
        if (probe != null
                && seq != null
                && tenant == null
                && version == null
                && probe.length() <= MAX_WORKER_ID_CHARS) {
            return new Notification.Probe(probe, seq);
        }
        return new Notification.Malformed("expected {\"tenant\":\"<uuid>\",\"version\":N}");
    }

    private static String canonicalUuid(String text) {
        // UUID.fromString accepts short forms such as "1-1-1-1-1"; a hint names a tenant only in canonical form.
        if (text.length() != 36) {
            throw new IllegalArgumentException("tenant is not a UUID");
        }
        return text;
    }

    private static <T> T once(T previous, T value, String field) {
        if (previous != null) {
            throw new IllegalArgumentException("duplicate field " + field);
        }
        return value;
    }

    private static String text(JsonToken value, JsonParser parser, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return parser.getText();
    }

    private static long number(JsonToken value, JsonParser parser, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() != JsonParser.NumberType.INT
                        && parser.getNumberType() != JsonParser.NumberType.LONG) {
            throw new IllegalArgumentException(field + " is not an integer");
        }
        long n = parser.getLongValue();
        if (n < 0) {
            throw new IllegalArgumentException(field + " is negative");
        }
        return n;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
