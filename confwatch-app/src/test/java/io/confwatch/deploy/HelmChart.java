package io.confwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The chart in {@code helm/confwatch}, linted and rendered by Helm itself (helm-java bundles it as a library). */
final class HelmChart {
    static final Path DIRECTORY = Path.of("helm", "confwatch");
    static final String RELEASE = "confwatch";
    static final String NAMESPACE = "monitoring";
    static final YAMLMapper YAML = new YAMLMapper();
    private static final String HOOK = "helm.sh/hook";
    private static final String HIDDEN_HOOK = "test.confwatch.io/hook";

    private HelmChart() {}

    /** The values files the tests render with; an empty name stands for the chart's defaults. */
    static List<String> valuesFiles() {
        return List.of("", "ci/all-features-values.yaml", "ci/existing-secrets-values.yaml");
    }

    /**
     * {@code helm lint --strict} with {@code valuesFile} on top of the defaults. helm-java's lint takes no values file,
     * so a copy of the chart gets the merged values as its values.yaml.
     */
    static LintResult lint(String valuesFile, Path scratch) {
        Path copy = scratch.resolve("confwatch");
        copyTree(DIRECTORY, copy);
        if (!valuesFile.isEmpty()) {
            write(copy.resolve("values.yaml"), mergedValues(valuesFile));
        }
        return new Helm(copy).lint().strict().call();
    }

    /**
     * {@code helm template} with {@code valuesFile} (or the defaults) and extra {@code --set}s: every manifest, hooks
     * included as the Helm CLI prints them. helm-java's template leaves hooks out, so it renders a copy of the chart in
     * which the hook annotations carry another name, and the names are put back in the result.
     */
    static List<JsonNode> render(String valuesFile, Map<String, Object> sets, Path scratch) {
        Path copy = scratch.resolve("render-" + Integer.toHexString(valuesFile.hashCode() ^ sets.hashCode()));
        copyTree(DIRECTORY, copy);
        try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
            for (Path template : templates.toList()) {
                Files.writeString(template, Files.readString(template).replace(HOOK, HIDDEN_HOOK));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var template = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (!valuesFile.isEmpty()) {
            template.withValuesFile(DIRECTORY.resolve(valuesFile));
        }
        sets.forEach(template::set);
        List<JsonNode> manifests = parse(template.call());
        for (JsonNode manifest : manifests) {
            if (manifest.path("metadata").path("annotations") instanceof ObjectNode annotations) {
                for (String name : List.copyOf(iterable(annotations.fieldNames()))) {
                    if (name.startsWith(HIDDEN_HOOK)) {
                        annotations.set(name.replace(HIDDEN_HOOK, HOOK), annotations.remove(name));
                    }
                }
            }
        }
        return manifests;
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    /** {@code helm template} output as one JSON tree per YAML document. */
    static List<JsonNode> parse(String manifests) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifests)) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("helm template output is not YAML:\n" + manifests, e);
        }
        return documents;
    }

    /** The one manifest of {@code kind} named {@code name}, if rendered. */
    static Optional<JsonNode> find(List<JsonNode> manifests, String kind, String name) {
        return manifests.stream()
                .filter(m -> m.path("kind").asText().equals(kind))
                .filter(m -> m.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    /** The chart's values.yaml with {@code valuesFile} merged over it the way Helm merges (maps deep, lists whole). */
    static ObjectNode mergedValues(String valuesFile) {
        ObjectNode values = (ObjectNode) readYaml(DIRECTORY.resolve("values.yaml"));
        merge(values, (ObjectNode) readYaml(DIRECTORY.resolve(valuesFile)));
        return values;
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(ObjectNode target, ObjectNode source) {
        source.fields().forEachRemaining(entry -> {
            JsonNode existing = target.get(entry.getKey());
            if (existing instanceof ObjectNode existingObject && entry.getValue() instanceof ObjectNode sourceObject) {
                merge(existingObject, sourceObject);
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        });
    }

    private static void write(Path file, JsonNode values) {
        try {
            YAML.writeValue(file.toFile(), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
