package io.confwatch.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/**
 * The definition check as it was before it streamed: a Jackson tree per definition ({@code ObjectMapper.readTree}), then
 * the same questions. Kept as the reference that {@link DefinitionValidator} must answer exactly like.
 */
final class TreeDefinitionValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRIGGER_TYPES = Set.of("webhook", "slack", "email", "script");

    private TreeDefinitionValidator() {}

    /** Returns why {@code definition} is not a valid {@code kind}, or empty when it is. */
    static Optional<String> problem(EntityKind kind, String definition) {
        JsonNode root;
        try {
            root = JSON.readTree(definition);
        } catch (JsonProcessingException e) {
            return Optional.of("definition is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return Optional.of("definition must be a JSON object");
        }
        return switch (kind) {
            case MONITOR -> monitorProblem(root);
            case FILTER -> nonEmptyText(root, "expression");
            case TRIGGER -> triggerProblem(root);
        };
    }

    private static Optional<String> monitorProblem(JsonNode root) {
        JsonNode networks = root.get("networks");
        if (networks == null || !networks.isArray() || networks.isEmpty()) {
            return Optional.of("networks must be a non-empty array of strings");
        }
        for (JsonNode network : networks) {
            if (!network.isTextual() || network.asText().isBlank()) {
                return Optional.of("networks must be a non-empty array of strings");
            }
        }
        JsonNode addresses = root.get("addresses");
        if (addresses != null && !isArrayOfStrings(addresses)) {
            return Optional.of("addresses must be an array of strings");
        }
        JsonNode match = root.get("match");
        if (match != null && !match.isObject()) {
            return Optional.of("match must be a JSON object");
        }
        return Optional.empty();
    }

    private static Optional<String> triggerProblem(JsonNode root) {
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || !TRIGGER_TYPES.contains(type.asText())) {
            return Optional.of("type must be one of webhook, slack, email, script");
        }
        return switch (type.asText()) {
            case "webhook", "slack" -> httpUrl(root, "url");
            case "email" -> recipients(root);
            default -> nonEmptyText(root, "path");
        };
    }

    private static Optional<String> recipients(JsonNode root) {
        JsonNode to = root.get("to");
        boolean valid = to != null
                && ((to.isTextual() && !to.asText().isBlank())
                        || (to.isArray() && !to.isEmpty() && isArrayOfStrings(to)));
        return valid ? Optional.empty() : Optional.of("to must be an address or a non-empty array of addresses");
    }

    private static Optional<String> httpUrl(JsonNode root, String field) {
        Optional<String> problem = nonEmptyText(root, field);
        if (problem.isPresent()) {
            return problem;
        }
        try {
            URI uri = new URI(root.get(field).asText());
            String scheme = uri.getScheme();
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // Falls through to the same message as a wrong scheme.
        }
        return Optional.of(field + " must be an http(s) URL");
    }

    private static Optional<String> nonEmptyText(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return Optional.of(field + " must be a non-empty string");
        }
        return Optional.empty();
    }

    private static boolean isArrayOfStrings(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
