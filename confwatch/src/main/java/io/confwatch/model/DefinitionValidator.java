package io.confwatch.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an entity's definition against the minimal shape its kind needs (DESIGN §1); the reason names the field.
 *
 * <p>One pass of Jackson's streaming parser, no tree: at start-up every definition of every tenant is checked, and
 * building a {@code JsonNode} tree for each was most of the initial load's CPU (docs/benchmarks.md, "Start-up"). The
 * answers are those of the tree it replaced ({@code ObjectMapper.readTree}): the same tokenizer, so the same syntax
 * errors and limits; every value is read as the tree read it (strings as text, numbers as numbers); content after the
 * root value is ignored; of a repeated field, the last one counts. {@code DefinitionValidatorEquivalenceTest} compares
 * the two on generated and malformed definitions.
 */
public final class DefinitionValidator {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> TRIGGER_TYPES = Set.of("webhook", "slack", "email", "script");

    private DefinitionValidator() {}

    /** Returns why {@code definition} is not a valid {@code kind}, or empty when it is. */
    public static Optional<String> problem(EntityKind kind, String definition) {
        Fields root;
        try (JsonParser parser = JSON.createParser(definition)) {
            root = Fields.read(parser);
        } catch (JsonProcessingException e) {
            return Optional.of("definition is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // A String source does no I/O.
            throw new UncheckedIOException(e);
        }
        if (root == null) {
            return Optional.of("definition must be a JSON object");
        }
        return switch (kind) {
            case MONITOR -> monitorProblem(root);
            case FILTER -> nonEmptyText(root.expression, "expression");
            case TRIGGER -> triggerProblem(root);
        };
    }

    private static Optional<String> monitorProblem(Fields root) {
        Value networks = root.networks;
        if (networks == null || !networks.isArray() || networks.size == 0 || !networks.allNonBlankText) {
            return Optional.of("networks must be a non-empty array of strings");
        }
        if (root.addresses != null && !root.addresses.isArrayOfText()) {
            return Optional.of("addresses must be an array of strings");
        }
        if (root.match != null && root.match.token != JsonToken.START_OBJECT) {
            return Optional.of("match must be a JSON object");
        }
        return Optional.empty();
    }

    private static Optional<String> triggerProblem(Fields root) {
        Value type = root.type;
        if (type == null || type.text == null || !TRIGGER_TYPES.contains(type.text)) {
            return Optional.of("type must be one of webhook, slack, email, script");
        }
        return switch (type.text) {
            case "webhook", "slack" -> httpUrl(root.url, "url");
            case "email" -> recipients(root.to);
            default -> nonEmptyText(root.path, "path");
        };
    }

    private static Optional<String> recipients(Value to) {
        boolean valid =
                to != null && ((to.text != null && !to.text.isBlank()) || (to.isArray() && to.size > 0 && to.allText));
        return valid ? Optional.empty() : Optional.of("to must be an address or a non-empty array of addresses");
    }

    private static Optional<String> httpUrl(Value value, String field) {
        Optional<String> problem = nonEmptyText(value, field);
        if (problem.isPresent()) {
            return problem;
        }
        try {
            URI uri = new URI(value.text);
            String scheme = uri.getScheme();
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // Falls through to the same message as a wrong scheme.
        }
        return Optional.of(field + " must be an http(s) URL");
    }

    private static Optional<String> nonEmptyText(Value value, String field) {
        if (value == null || value.text == null || value.text.isBlank()) {
            return Optional.of(field + " must be a non-empty string");
        }
        return Optional.empty();
    }

    /**
     * What the checks need of one top-level field's value: its first token, its text when it is a string, and when it
     * is an array how many elements it has and whether all of them are (non-blank) strings.
     */
    private static final class Value {
        private final JsonToken token;
        private String text;
        private int size;
        private boolean allText = true;
        private boolean allNonBlankText = true;

        private Value(JsonToken token) {
            this.token = token;
        }

        boolean isArray() {
            return token == JsonToken.START_ARRAY;
        }

        boolean isArrayOfText() {
            return isArray() && allText;
        }

        /** Reads the value that starts at the parser's current token, to its end. */
        static Value read(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            Value value = new Value(token);
            if (token == JsonToken.VALUE_STRING) {
                value.text = parser.getText();
            } else if (token == JsonToken.START_ARRAY) {
                for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY && element != null; ) {
                    value.size++;
                    if (element == JsonToken.VALUE_STRING) {
                        value.allNonBlankText &= !parser.getText().isBlank();
                    } else {
                        value.allText = false;
                        value.allNonBlankText = false;
                        skip(parser);
                    }
                    element = parser.nextToken();
                }
            } else {
                skip(parser);
            }
            return value;
        }
    }

    /** The root object's fields that some kind checks; the last of a repeated field counts, as in a tree. */
    private static final class Fields {
        private Value networks;
        private Value addresses;
        private Value match;
        private Value expression;
        private Value type;
        private Value url;
        private Value to;
        private Value path;

        /** The root object's fields, or null when the root is not an object (or there is none). */
        static Fields read(JsonParser parser) throws IOException {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                skip(parser);
                return null;
            }
            Fields fields = new Fields();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                parser.nextToken();
                fields.put(name, Value.read(parser));
            }
            return fields;
        }

        private void put(String name, Value value) {
            switch (name) {
                case "networks" -> networks = value;
                case "addresses" -> addresses = value;
                case "match" -> match = value;
                case "expression" -> expression = value;
                case "type" -> type = value;
                case "url" -> url = value;
                case "to" -> to = value;
                case "path" -> path = value;
                default -> {}
            }
        }
    }

    /**
     * Reads the value at the parser's current token to its end as a tree is read: without recursion (nesting is bounded
     * by the parser's limits only), an object's fields by {@code nextFieldName} and other tokens by {@code nextToken}
     * (their syntax errors are worded differently), strings as text, numbers as numbers.
     */
    private static void skip(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        // Whether each open container is an object, innermost last.
        boolean[] objects = new boolean[16];
        int depth = 0;
        while (true) {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                if (depth == objects.length) {
                    objects = Arrays.copyOf(objects, depth * 2);
                }
                objects[depth++] = token == JsonToken.START_OBJECT;
            } else if (token != null) {
                readScalar(parser, token);
            }
            while (true) {
                if (depth == 0) {
                    return;
                }
                if (objects[depth - 1]) {
                    if (parser.nextFieldName() != null) {
                        token = parser.nextToken();
                        break;
                    }
                } else {
                    token = parser.nextToken();
                    if (token != JsonToken.END_ARRAY && token != null) {
                        break;
                    }
                }
                depth--;
            }
        }
    }

    private static void readScalar(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> readInteger(parser);
            case VALUE_NUMBER_FLOAT -> readFloat(parser);
            default -> {}
        }
    }

    private static void readInteger(JsonParser parser) throws IOException {
        switch (parser.getNumberType()) {
            case INT -> parser.getIntValue();
            case LONG -> parser.getLongValue();
            default -> parser.getBigIntegerValue();
        }
    }

    private static void readFloat(JsonParser parser) throws IOException {
        switch (parser.getNumberTypeFP()) {
            case BIG_DECIMAL -> parser.getDecimalValue();
            case FLOAT32 -> parser.getFloatValue();
            default -> parser.getDoubleValue();
        }
    }
}
