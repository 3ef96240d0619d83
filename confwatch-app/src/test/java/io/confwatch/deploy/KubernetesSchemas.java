package io.confwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates rendered manifests offline against Kubernetes' own API schema, as compiled into the official Java client's
 * models (generated from the Kubernetes OpenAPI document): every field must exist in its type, required fields must be
 * there, arrays and scalars must be what the schema says, and the whole must deserialize. The Prometheus Operator's
 * kinds have no models there; their fields are checked by hand against the CRDs (monitoring.coreos.com/v1).
 */
final class KubernetesSchemas {
    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "apps/v1/Deployment", V1Deployment.class,
            "apps/v1/StatefulSet", V1StatefulSet.class,
            "batch/v1/Job", V1Job.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

    private static final Set<String> SERVICE_MONITOR_ENDPOINT_FIELDS =
            Set.of("port", "path", "interval", "scrapeTimeout", "scheme", "relabelings", "metricRelabelings");
    private static final Set<String> RULE_FIELDS = Set.of("alert", "record", "expr", "for", "labels", "annotations");

    private KubernetesSchemas() {}

    /** Fails with the manifest's kind, name and the schema's complaint when {@code manifest} is not valid. */
    static void validate(JsonNode manifest) {
        String type = manifest.path("apiVersion").asText() + "/"
                + manifest.path("kind").asText();
        String what = type + " " + manifest.path("metadata").path("name").asText();
        assertThat(manifest.path("metadata").path("name").asText())
                .as("%s: metadata.name", what)
                .isNotBlank();
        switch (type) {
            case "monitoring.coreos.com/v1/ServiceMonitor" -> serviceMonitor(manifest, what);
            case "monitoring.coreos.com/v1/PrometheusRule" -> prometheusRule(manifest, what);
            default -> model(manifest, type, what);
        }
    }

    private static void model(JsonNode manifest, String type, String what) {
        Class<?> model = MODELS.get(type);
        assertThat(model)
                .as("%s: no schema for this kind; add it to KubernetesSchemas", what)
                .isNotNull();
        JsonElement json = JsonParser.parseString(manifest.toString());
        try {
            model.getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
            JSON.getGson().fromJson(json, model);
        } catch (InvocationTargetException e) {
            throw new AssertionError(what + " does not match the Kubernetes schema: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new AssertionError(what + " does not match the Kubernetes schema: " + e, e);
        }
    }

    private static void serviceMonitor(JsonNode manifest, String what) {
        JsonNode spec = manifest.path("spec");
        assertThat(fieldNames(spec)).as("%s: spec", what).isSubsetOf("selector", "namespaceSelector", "endpoints");
        assertThat(spec.path("selector").path("matchLabels").isObject())
                .as("%s: spec.selector.matchLabels", what)
                .isTrue();
        assertThat(spec.path("endpoints").isArray() && !spec.path("endpoints").isEmpty())
                .as("%s: spec.endpoints", what)
                .isTrue();
        for (JsonNode endpoint : spec.path("endpoints")) {
            assertThat(fieldNames(endpoint)).as("%s: endpoint", what).isSubsetOf(SERVICE_MONITOR_ENDPOINT_FIELDS);
            assertThat(endpoint.path("port").isTextual())
                    .as("%s: endpoint.port", what)
                    .isTrue();
        }
    }

    private static void prometheusRule(JsonNode manifest, String what) {
        JsonNode groups = manifest.path("spec").path("groups");
        assertThat(fieldNames(manifest.path("spec"))).as("%s: spec", what).containsExactly("groups");
        assertThat(groups.isArray() && !groups.isEmpty())
                .as("%s: spec.groups", what)
                .isTrue();
        for (JsonNode group : groups) {
            assertThat(group.path("name").asText()).as("%s: group name", what).isNotBlank();
            for (JsonNode rule : group.path("rules")) {
                assertThat(fieldNames(rule)).as("%s: rule", what).isSubsetOf(RULE_FIELDS);
                assertThat(rule.path("expr").isTextual())
                        .as("%s: rule expr", what)
                        .isTrue();
                assertThat(rule.path("for").asText()).as("%s: rule for", what).matches("([0-9]+(ms|s|m|h|d|w|y))+");
                assertThat(rule.path("labels").isObject())
                        .as("%s: rule labels", what)
                        .isTrue();
                rule.path("labels").forEach(value -> assertThat(value.isTextual())
                        .as("%s: label values are strings", what)
                        .isTrue());
                rule.path("annotations").forEach(value -> assertThat(value.isTextual())
                        .as("%s: annotation values are strings", what)
                        .isTrue());
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
