package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class MetricsRouteTest {
    /** DESIGN §7: the names users, the chart's alerts and dashboards rely on. */
    private static final List<String> CONTRACT = List.of(
            "confwatch_notifications_total",
            "confwatch_reloads_total",
            "confwatch_reload_duration_seconds",
            "confwatch_propagation_seconds",
            "confwatch_listener_up",
            "confwatch_listener_reconnects_total",
            "confwatch_tenants",
            "confwatch_stale_tenants",
            "confwatch_invalid_entities",
            "confwatch_listener_probe_seconds",
            "confwatch_notify_queue_usage");

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (\\S+)( -?[0-9]+)?");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)( .*)?");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static ApiFixture fixture;
    private static UUID tenant;

    @BeforeAll
    static void start(TestDatabase db) {
        fixture = ApiFixture.start(db);
        tenant = fixture.insertTenant("metrics");
        fixture.insertEntity("monitors", tenant, "m", "{\"networks\": [\"eth\"]}");
        fixture.awaitHeld(tenant);
        // Serve something first, so the HTTP server and cache meters have samples.
        assertThat(fixture.client.get("/tenants/" + tenant).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void metrics_scrape_isPrometheusTextWithItsContentType() {
        HttpResponse<String> response = fixture.client.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        Map<String, List<Double>> samples = parse(response.body());
        assertThat(samples).hasSizeGreaterThan(50);
    }

    @Test
    void metrics_scrape_hasEveryContractName() {
        Map<String, List<Double>> samples = parse(fixture.client.get("/metrics").body());

        for (String name : CONTRACT) {
            assertThat(samples.keySet())
                    .as(name)
                    .anyMatch(sample ->
                            sample.equals(name) || sample.equals(name + "_bucket") || sample.equals(name + "_count"));
        }
        assertThat(samples.get("confwatch_listener_up")).containsExactly(1.0);
        assertThat(samples.get("confwatch_tenants")).containsExactly((double) fixture.confWatch.size());
    }

    @Test
    void metrics_notifyQueueUsage_isAFraction() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Double> usage = parse(fixture.client.get("/metrics").body()).get("confwatch_notify_queue_usage");
            assertThat(usage).hasSize(1);
            assertThat(usage.get(0)).isBetween(0.0, 1.0);
        });
    }

    @Test
    void metrics_scrape_hasCacheJvmVertxAndLongPollMeters() {
        Map<String, List<Double>> samples = parse(fixture.client.get("/metrics").body());

        assertThat(samples).containsKeys("cache_size", "cache_gets_total", "jvm_memory_used_bytes");
        assertThat(samples.keySet()).anyMatch(name -> name.startsWith("vertx_http_server_"));
        assertThat(samples.keySet()).anyMatch(name -> name.startsWith("vertx_pool_"));
        assertThat(samples).containsKey("confwatch_http_long_polls_seconds_count");
    }

    @Test
    void metrics_scrape_hasNoLabelNamingATenant() {
        String scrape = fixture.client.get("/metrics").body();

        assertThat(scrape).doesNotContain(tenant.toString());
        assertThat(UUID_TEXT.matcher(scrape).find()).isFalse();
    }

    /** Sample values by sample name; fails on any line that is not valid text format 0.0.4. */
    private static Map<String, List<Double>> parse(String text) {
        Map<String, List<Double>> samples = new HashMap<>();
        List<String> families = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher meta = META.matcher(line);
                assertThat(meta.matches()).as("comment line: %s", line).isTrue();
                if (meta.group(1).equals("TYPE")) {
                    families.add(meta.group(2));
                }
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("sample line: %s", line).isTrue();
            String name = sample.group(1);
            assertThat(families).as("TYPE before %s", name).anyMatch(name::startsWith);
            samples.computeIfAbsent(name, n -> new ArrayList<>()).add(value(sample.group(3)));
        }
        return samples;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
