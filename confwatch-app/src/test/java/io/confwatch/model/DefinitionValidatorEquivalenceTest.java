package io.confwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming {@link DefinitionValidator} answers every definition exactly as the tree-based check it replaced
 * ({@link TreeDefinitionValidator}): generated definitions around the fields the checks read, the same cut short or with
 * one character changed (syntax errors), repeated fields, and the parser's limits (nesting, number and string length).
 */
class DefinitionValidatorEquivalenceTest {
    private static final String[] FIELDS = {
        "networks", "addresses", "match", "expression", "type", "url", "to", "path", "other", "\u00e9t\u00e9"
    };
    private static final String[] TEXTS = {
        "",
        " ",
        "\\t",
        "ethereum_mainnet",
        "webhook",
        "slack",
        "email",
        "script",
        "pager",
        "https://example.com/hook",
        "http://hooks.local/x",
        "ftp://x/y",
        "not a url",
        "http://",
        "ops@example.com",
        "/opt/alert.sh",
        "\\u0041",
        "\\\"quoted\\\"",
        "\\u00e9t\u00e9"
    };
    private static final String SYNTAX = "{}[]\",: \\0-1.eE+tfnu\u0000\n";

    @Test
    void problem_generatedDefinitions_sameAnswerAsTheTree() {
        Random random = new Random(15);
        List<String> definitions = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            String definition = random.nextBoolean() ? object(random, 0) : shaped(random);
            definitions.add(definition);
            definitions.add(definition.substring(0, random.nextInt(definition.length() + 1)));
            StringBuilder changed = new StringBuilder(definition);
            changed.setCharAt(random.nextInt(definition.length()), SYNTAX.charAt(random.nextInt(SYNTAX.length())));
            definitions.add(changed.toString());
            definitions.add(definition + " " + value(random, 1));
        }
        Map<EntityKind, Integer> valid = new EnumMap<>(EntityKind.class);
        for (String definition : definitions) {
            for (EntityKind kind : EntityKind.values()) {
                Optional<String> tree = TreeDefinitionValidator.problem(kind, definition);
                assertThat(DefinitionValidator.problem(kind, definition))
                        .as("%s %s", kind, definition)
                        .isEqualTo(tree);
                valid.merge(kind, tree.isEmpty() ? 1 : 0, Integer::sum);
            }
        }
        // Both answers occur often for every kind: the generator reaches both sides of each check.
        assertThat(valid.values()).allSatisfy(count -> assertThat(count).isBetween(200, definitions.size() - 200));
    }

    @Test
    void problem_edgeCases_sameAnswerAsTheTree() {
        List<String> definitions = new ArrayList<>(List.of(
                "",
                "   ",
                "null",
                "42",
                "\"text\"",
                "[1,2]",
                "[1,2",
                "{",
                "{}",
                "{} {",
                "{}}",
                "{\"networks\":[\"a\"]} trailing",
                "{\"networks\":[\"a\"],}",
                "{'networks':['a']}",
                "{\"networks\":[\"a\"],\"networks\":[]}",
                "{\"networks\":[],\"networks\":[\"a\"]}",
                "{\"type\":\"pager\",\"type\":\"script\",\"path\":\"/x\"}",
                "{\"networks\":[\"a\"],\"match\":null}",
                "{\"networks\":[\"a\"],\"addresses\":null}",
                "{\"networks\":[\"a\",null]}",
                "{\"networks\":[[\"a\"]]}",
                "{\"networks\":[\"a\"],\"addresses\":[\"x\",{\"y\":1}]}",
                "{\"type\":\"email\",\"to\":[\"a\", \" \"]}",
                "{\"type\":\"email\",\"to\":[\"a\", 1]}",
                "{\"networks\":[\"a\"],\"n\":NaN}",
                "{\"networks\":[\"a\"],\"n\":01}",
                "{\"networks\":[\"a\"],\"n\":1.5e400,\"m\":-0.0,\"k\":123456789012345678901234567890}",
                "{\"networks\":[\"a\"],\"s\":\"bad \\x escape\"}",
                "{\"networks\":[\"a\"],\"s\":\"raw \n newline\"}",
                "\uFEFF{\"networks\":[\"a\"]}",
                "{\"networks\":[\"a\"]}\u0000"));
        definitions.add("{\"networks\":[\"a\"],\"n\":" + "9".repeat(1_001) + "}");
        definitions.add("{\"networks\":[\"a\"],\"n\":1." + "9".repeat(1_001) + "}");
        definitions.add("{\"networks\":[\"a\"],\"deep\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}");
        definitions.add("{\"networks\":[\"a\"],\"deep\":" + "[".repeat(999) + "]".repeat(999) + "}");
        definitions.add("{\"networks\":[\"a\"],\"" + "k".repeat(50_001) + "\":1}");
        definitions.add("{\"networks\":[\"a\"],\"long\":\"" + "x".repeat(20_000_001) + "\"}");
        definitions.add("{\"type\":\"script\",\"path\":\"" + "x".repeat(20_000_001) + "\"}");
        for (String definition : definitions) {
            for (EntityKind kind : EntityKind.values()) {
                assertThat(DefinitionValidator.problem(kind, definition))
                        .as("%s %.200s", kind, definition)
                        .isEqualTo(TreeDefinitionValidator.problem(kind, definition));
            }
        }
    }

    /** A definition of a random kind's shape, often valid, with random values and extra fields mixed in. */
    private static String shaped(Random random) {
        List<String> fields = new ArrayList<>();
        switch (random.nextInt(3)) {
            case 0 -> {
                fields.add("\"networks\":" + (random.nextInt(4) == 0 ? value(random, 1) : "[\"ethereum_mainnet\"]"));
                if (random.nextBoolean()) {
                    fields.add("\"addresses\":" + (random.nextInt(4) == 0 ? value(random, 1) : "[\"0xabc\"]"));
                }
                if (random.nextBoolean()) {
                    fields.add("\"match\":" + (random.nextInt(4) == 0 ? value(random, 1) : object(random, 1)));
                }
            }
            case 1 -> fields.add("\"expression\":" + (random.nextInt(4) == 0 ? value(random, 1) : "\"value > 10\""));
            default -> {
                String type = TEXTS[4 + random.nextInt(5)];
                fields.add("\"type\":\"" + type + '"');
                String field = random.nextInt(4) == 0
                        ? FIELDS[random.nextInt(FIELDS.length)]
                        : switch (type) {
                            case "email" -> "to";
                            case "script" -> "path";
                            default -> "url";
                        };
                fields.add('"' + field + "\":" + value(random, 1));
            }
        }
        if (random.nextInt(3) == 0) {
            fields.add(
                    random.nextInt(fields.size() + 1),
                    '"' + FIELDS[random.nextInt(FIELDS.length)] + "\":" + value(random, 1));
        }
        return "{" + String.join(",", fields) + "}";
    }

    private static String object(Random random, int depth) {
        StringBuilder json = new StringBuilder("{");
        int fields = random.nextInt(depth == 0 ? 5 : 3);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"')
                    .append(FIELDS[random.nextInt(FIELDS.length)])
                    .append("\":")
                    .append(value(random, depth + 1));
        }
        return json.append('}').toString();
    }

    private static String value(Random random, int depth) {
        int choice = random.nextInt(depth > 3 ? 6 : 9);
        return switch (choice) {
            case 0, 1, 2 -> '"' + TEXTS[random.nextInt(TEXTS.length)] + '"';
            case 3 -> Integer.toString(random.nextInt(2_000) - 1_000);
            case 4 -> random.nextBoolean() ? "1.5e3" : (random.nextBoolean() ? "true" : "null");
            case 5 -> Long.toString(random.nextLong()) + "0000";
            case 6, 7 -> array(random, depth);
            default -> object(random, depth);
        };
    }

    private static String array(Random random, int depth) {
        StringBuilder json = new StringBuilder("[");
        int elements = random.nextInt(4);
        for (int i = 0; i < elements; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(
                    random.nextInt(5) == 0
                            ? value(random, depth + 1)
                            : '"' + TEXTS[random.nextInt(TEXTS.length)] + '"');
        }
        return json.append(']').toString();
    }
}
