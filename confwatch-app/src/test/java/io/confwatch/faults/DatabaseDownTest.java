package io.confwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.http.HttpApi;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL is down for a while (stopped), then comes back on the same port. */
class DatabaseDownTest {
    private static final Logger log = LoggerFactory.getLogger(DatabaseDownTest.class);
    private static final Duration DOWNTIME = Duration.ofSeconds(3);
    /** Reconnect (≤ 1 s backoff once the database is back), catch-up sweep and reads; room for a slow CI machine. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FaultRig rig;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startRig() {
        rig = FaultRig.start();
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @AfterEach
    void databaseUp() {
        if (!rig.server().isRunning()) {
            rig.server().restart();
        }
    }

    @Test
    void down_forAWhile_lastGoodSnapshotsServedAndStalenessShownThenConverges() throws Exception {
        TestDatabase db = rig.createDatabase("down");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(20);
        try (ConfWatch confWatch = Faults.startReady(rig.config(db))) {
            HttpApi api = HttpApi.start(confWatch, confWatch.config().http().withHost("127.0.0.1"), false)
                    .await();
            try {
                Map<UUID, TenantSnapshot> good = held(confWatch);

                rig.server().stop();
                long down = System.nanoTime();
                await().atMost(BOUND)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> !confWatch.status().listener().connected());
                // Throughout the outage: every last good snapshot served, still ready, and not listening.
                await().during(DOWNTIME)
                        .atMost(DOWNTIME.plusSeconds(5))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> held(confWatch).equals(good)
                                && confWatch.isReady()
                                && !confWatch.status().listener().connected());

                assertThat(get(api, "/livez").statusCode()).isEqualTo(200);
                assertThat(get(api, "/readyz").statusCode()).isEqualTo(200);
                assertThat(get(api, "/tenants/" + tenants.get(0)).statusCode()).isEqualTo(200);
                JsonNode status = JSON.readTree(get(api, "/status").body());
                JsonNode listener = status.get("listener");
                assertThat(listener.get("connected").asBoolean()).isFalse();
                assertThat(listener.get("deafForMs").asLong()).isGreaterThanOrEqualTo(DOWNTIME.toMillis());
                assertThat(listener.get("lastError").asText()).isNotEmpty();
                assertThat(Recovery.gauge(confWatch, ConfWatchMetrics.LISTENER_UP))
                        .isZero();
                assertThat(Recovery.gauge(confWatch, ConfWatchMetrics.LAST_SWEEP_AGE))
                        .isGreaterThanOrEqualTo(DOWNTIME.toSeconds());
                assertThat(get(api, "/metrics").body()).contains("confwatch_listener_up 0.0");
                log.info("/status while the database is down: {}", status);
                Recovery.logStatus("database down", confWatch);

                rig.server().restart();
                long back = System.nanoTime();
                log.info(
                        "Database was down for {} ms",
                        Duration.ofNanos(back - down).toMillis());
                rows.redefine(tenants.get(0), "polygon");
                rows.redefine(tenants.get(1), "polygon");

                Recovery.awaitEqual(
                        "database down then back, from the moment it is back", confWatch, rows, back, BOUND);
                await().atMost(BOUND).untilAsserted(() -> Recovery.assertReconnected(confWatch));
                assertThat(get(api, "/readyz").statusCode()).isEqualTo(200);
            } finally {
                api.close().await();
            }
        }
    }

    @Test
    void close_whileTheDatabaseIsDown_endsWithinTheShutdownBound() {
        TestDatabase db = rig.createDatabase("down");
        ConfigRows rows = new ConfigRows(db);
        List<UUID> tenants = rows.tenants(5);
        Duration shutdown = Duration.ofSeconds(2);
        WorkerConfig config = rig.config(db).withShutdownTimeout(shutdown);
        ConfWatch confWatch = Faults.startReady(config);
        try {
            rig.server().stop();
            await().atMost(BOUND).until(() -> !confWatch.status().listener().connected());
            // A read that cannot succeed, retried meanwhile.
            confWatch.reload(tenants.get(0));
        } finally {
            long closing = System.nanoTime();
            confWatch.close();
            Duration took = Duration.ofNanos(System.nanoTime() - closing);
            log.info("close() with the database down took {} ms (shutdown timeout {})", took.toMillis(), shutdown);
            assertThat(took).isLessThan(shutdown);
        }
        assertThat(confWatch.isReady()).isFalse();
    }

    private static Map<UUID, TenantSnapshot> held(ConfWatch confWatch) {
        return confWatch.tenants().stream().collect(Collectors.toMap(TenantSnapshot::tenant, Function.identity()));
    }

    private HttpResponse<String> get(HttpApi api, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.actualPort() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
