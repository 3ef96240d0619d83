package io.confwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the chart's alerts and dashboard query is one a running worker exports, under that exact name. */
@ExtendWith(PostgresExtension.class)
class ChartMetricsTest {
    @TempDir
    Path scratch;

    @Test
    void alertsAndDashboard_everyMetricQueried_isInALiveScrape(TestDatabase db) throws IOException {
        var manifests = HelmChart.render("ci/all-features-values.yaml", Map.of(), scratch);
        JsonNode rules =
                HelmChart.find(manifests, "PrometheusRule", "confwatch").orElseThrow();
        JsonNode dashboard = new ObjectMapper()
                .readTree(HelmChart.find(manifests, "ConfigMap", "confwatch-dashboard")
                        .orElseThrow()
                        .path("data")
                        .path("confwatch.json")
                        .asText());
        Set<String> queried = new TreeSet<>(ChartMetrics.inExpressions(rules));
        queried.addAll(ChartMetrics.inExpressions(dashboard));

        Set<String> exported = scrapeNames(db);

        assertThat(queried).hasSizeGreaterThanOrEqualTo(10);
        assertThat(exported).containsAll(queried);
    }

    private static Set<String> scrapeNames(TestDatabase db) {
        UUID tenant = UUID.randomUUID();
        db.execute("insert into confwatch.tenants(id, name) values ('" + tenant + "', 'metrics')");
        WorkerConfig config = WorkerConfig.defaults()
                .withDatabase(DatabaseTarget.of(db.host(), db.port(), db.database(), db.user()))
                .withHttpPort(0)
                .withWorkerId("chart-metrics");
        try (ConfWatch worker = ConfWatch.start(config)) {
            assertThat(worker.awaitReady(Duration.ofSeconds(30))).isTrue();
            Set<String> names = new TreeSet<>();
            for (String line : worker.meterRegistry().scrape().split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            return names;
        }
    }
}
