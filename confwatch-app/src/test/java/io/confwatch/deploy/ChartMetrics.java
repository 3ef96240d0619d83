package io.confwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the chart's alerts and dashboard query. */
final class ChartMetrics {
    private static final Pattern METRIC = Pattern.compile("\\b((?:confwatch|jvm)_[a-z0-9_]+)\\b");

    private ChartMetrics() {}

    /** Metric names in PromQL {@code text}. */
    static Set<String> referencedIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** Metric names in every {@code expr} of a rendered PrometheusRule or Grafana dashboard. */
    static Set<String> inExpressions(JsonNode tree) {
        Set<String> names = new TreeSet<>();
        tree.findValues("expr").forEach(expr -> names.addAll(referencedIn(expr.asText())));
        return names;
    }
}
