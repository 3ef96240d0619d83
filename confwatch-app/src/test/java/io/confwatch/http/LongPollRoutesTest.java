package io.confwatch.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class LongPollRoutesTest {
    private static final String MONITOR = "{\"networks\": [\"ethereum_mainnet\"], \"addresses\": [\"0xabc\"],"
            + " \"match\": {\"event\": \"Transfer\", \"min\": 1.5, \"tags\": [\"a\", \"b\\\"c\"]}}";

    private static ApiFixture fixture;

    @BeforeAll
    static void start(TestDatabase db) {
        fixture = ApiFixture.start(db);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void snapshot_badLongPollParameters_answer400NamingTheParameter() {
        UUID tenant = fixture.insertTenant("bad-params");
        fixture.awaitHeld(tenant);
        List<List<String>> cases = List.of(
                List.of("wait=5s", "wait"),
                List.of("minVersion=-1", "minVersion"),
                List.of("minVersion=abc", "minVersion"),
                List.of("minVersion=1.5", "minVersion"),
                List.of("minVersion=", "minVersion"),
                List.of("minVersion=99999999999999999999", "minVersion"),
                List.of("minVersion=1&minVersion=2", "minVersion"),
                List.of("minVersion=1&wait=abc", "wait"),
                List.of("minVersion=1&wait=5", "wait"),
                List.of("minVersion=1&wait=-5s", "wait"));

        for (List<String> c : cases) {
            HttpResponse<String> response = fixture.client.get("/tenants/" + tenant + "?" + c.get(0));

            assertThat(response.statusCode()).as(c.get(0)).isEqualTo(400);
            assertThat(ApiClient.json(response).get("error").asText())
                    .as(c.get(0))
                    .contains(c.get(1));
        }
    }

    @Test
    void snapshot_minVersionHeld_answersAtOnce() {
        UUID tenant = fixture.insertTenant("held");
        long version = fixture.awaitHeld(tenant);

        HttpResponse<String> response =
                fixture.client.get("/tenants/" + tenant + "?minVersion=" + version + "&wait=60s");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isNull();
        assertThat(ApiClient.json(response).get("version").asLong()).isEqualTo(version);
    }

    @Test
    void snapshot_minVersionAheadWithoutWait_answersHeldAsStale() {
        UUID tenant = fixture.insertTenant("no-wait");
        long version = fixture.awaitHeld(tenant);

        HttpResponse<String> response = fixture.client.get("/tenants/" + tenant + "?minVersion=" + (version + 1));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isEqualTo("true");
        assertThat(ApiClient.json(response).get("version").asLong()).isEqualTo(version);
    }

    @Test
    void snapshot_longPollVersionArrives_answersNewVersion() throws Exception {
        UUID tenant = fixture.insertTenant("long-poll");
        long version = fixture.awaitHeld(tenant);
        long waiting = activeLongPolls();

        CompletableFuture<HttpResponse<String>> pending =
                fixture.client.sendAsync("GET", "/tenants/" + tenant + "?minVersion=" + (version + 1) + "&wait=20s");
        await().atMost(Duration.ofSeconds(10)).until(() -> activeLongPolls() == waiting + 1);
        assertThat(pending).isNotDone();
        fixture.insertEntity("monitors", tenant, "arrives", MONITOR);
        HttpResponse<String> response = pending.get(15, SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isNull();
        assertThat(ApiClient.header(response, "ETag")).isEqualTo("\"" + (version + 1) + "\"");
        JsonNode snapshot = ApiClient.json(response);
        assertThat(snapshot.get("version").asLong()).isEqualTo(version + 1);
        assertThat(snapshot.get("monitors").get(0).get("name").asText()).isEqualTo("arrives");
        assertThat(activeLongPolls()).isEqualTo(waiting);
    }

    @Test
    void snapshot_longPollTimesOut_answersHeldWithStaleHeader() {
        UUID tenant = fixture.insertTenant("times-out");
        long version = fixture.awaitHeld(tenant);

        long started = System.nanoTime();
        HttpResponse<String> response =
                fixture.client.get("/tenants/" + tenant + "?minVersion=" + (version + 5) + "&wait=300ms");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isEqualTo("true");
        assertThat(ApiClient.header(response, "ETag")).isEqualTo("\"" + version + "\"");
        assertThat(ApiClient.json(response).get("version").asLong()).isEqualTo(version);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void snapshot_longPollUnknownTenantTimesOut_answers404() {
        HttpResponse<String> response =
                fixture.client.get("/tenants/" + UUID.randomUUID() + "?minVersion=1&wait=200ms");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isNull();
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo("tenant not found");
    }

    @Test
    void snapshot_longPollTenantCreatedWhileWaiting_answersIt() throws Exception {
        UUID tenant = UUID.randomUUID();
        long waiting = activeLongPolls();

        CompletableFuture<HttpResponse<String>> pending =
                fixture.client.sendAsync("GET", "/tenants/" + tenant + "?minVersion=1&wait=20s");
        await().atMost(Duration.ofSeconds(10)).until(() -> activeLongPolls() == waiting + 1);
        fixture.update("insert into confwatch.tenants(id, name) values (?, ?)", tenant, "created-while-waiting");
        HttpResponse<String> response = pending.get(15, SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(response).get("name").asText()).isEqualTo("created-while-waiting");
    }

    @Test
    void snapshot_clientDisconnectsWhileWaiting_dropsTheWait() throws Exception {
        UUID tenant = fixture.insertTenant("disconnects");
        long version = fixture.awaitHeld(tenant);
        long waiting = activeLongPolls();

        try (Socket socket = new Socket("127.0.0.1", fixture.api.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /tenants/" + tenant + "?minVersion=" + (version + 1) + "&wait=60s HTTP/1.1\r\n"
                            + "Host: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> activeLongPolls() == waiting + 1);
        }

        // Well inside the 60 s wait: only the client going away can end it this soon.
        await().atMost(Duration.ofSeconds(10)).until(() -> activeLongPolls() == waiting);
    }

    private static long activeLongPolls() {
        return fixture.confWatch
                .meterRegistry()
                .get(TenantRoutes.LONG_POLLS)
                .longTaskTimer()
                .activeTasks();
    }
}
