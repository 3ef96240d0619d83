package io.confwatch.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class TenantRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
    void list_heldTenants_answersTenantVersionLoadedAt() {
        UUID first = fixture.insertTenant("list-one");
        UUID second = fixture.insertTenant("list-two");
        long firstVersion = fixture.awaitHeld(first);
        fixture.awaitHeld(second);

        HttpResponse<String> response = fixture.client.get("/tenants");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.header(response, "Cache-Control")).isEqualTo("no-store");
        JsonNode list = ApiClient.json(response);
        assertThat(list.isArray()).isTrue();
        JsonNode entry = find(list, first);
        assertThat(fieldNames(entry)).containsExactly("tenant", "version", "loadedAt");
        assertThat(entry.get("version").asLong()).isEqualTo(firstVersion);
        assertThat(Instant.parse(entry.get("loadedAt").asText())).isBefore(Instant.now());
        assertThat(find(list, second)).isNotNull();
    }

    @Test
    void snapshot_heldTenant_answersContractShapeWithRawDefinitions() throws Exception {
        UUID tenant = fixture.insertTenant("shape \"quoted\" ünïcode");
        UUID monitor = fixture.insertEntity("monitors", tenant, "m1", MONITOR);
        UUID boundFilter = UUID.randomUUID();
        fixture.update(
                "insert into confwatch.filters(id, tenant_id, monitor_id, name, definition) values (?, ?, ?, ?, ?::jsonb)",
                boundFilter,
                tenant,
                monitor,
                "f-bound",
                "{\"expression\": \"value > 1\"}");
        UUID freeFilter = fixture.insertEntity("filters", tenant, "f-free", "{\"expression\": \"true\"}");
        UUID trigger = fixture.insertEntity(
                "triggers", tenant, "t1", "{\"type\": \"webhook\", \"url\": \"https://example.com/hook\"}");
        long version = fixture.awaitHeld(tenant);

        HttpResponse<String> response = fixture.client.get("/tenants/" + tenant);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.header(response, "ETag")).isEqualTo("\"" + version + "\"");
        assertThat(ApiClient.header(response, "X-ConfWatch-Stale")).isNull();
        JsonNode snapshot = ApiClient.json(response);
        assertThat(fieldNames(snapshot))
                .containsExactly(
                        "tenant",
                        "name",
                        "status",
                        "version",
                        "changedAt",
                        "loadedAt",
                        "monitors",
                        "filters",
                        "triggers");
        assertThat(snapshot.get("tenant").asText()).isEqualTo(tenant.toString());
        assertThat(snapshot.get("name").asText()).isEqualTo("shape \"quoted\" ünïcode");
        assertThat(snapshot.get("status").asText()).isEqualTo("active");
        assertThat(snapshot.get("version").asLong()).isEqualTo(version);
        assertThat(snapshot.get("changedAt").asText()).endsWith("Z");
        assertThat(snapshot.get("loadedAt").asText()).endsWith("Z");

        JsonNode m = snapshot.get("monitors").get(0);
        assertThat(fieldNames(m)).containsExactly("id", "name", "definition", "updatedAt", "updatedBy");
        assertThat(m.get("id").asText()).isEqualTo(monitor.toString());
        assertThat(m.get("definition").isObject()).isTrue();
        assertThat(m.get("definition")).isEqualTo(JSON.readTree(MONITOR));
        assertThat(Instant.parse(m.get("updatedAt").asText())).isBefore(Instant.now());
        assertThat(m.get("updatedBy").asText()).isEqualTo(fixture.db.user());

        JsonNode filters = snapshot.get("filters");
        assertThat(filters).hasSize(2);
        JsonNode bound = find(filters, "id", boundFilter);
        assertThat(fieldNames(bound))
                .containsExactly("id", "name", "monitorId", "definition", "updatedAt", "updatedBy");
        assertThat(bound.get("monitorId").asText()).isEqualTo(monitor.toString());
        assertThat(bound.get("definition").get("expression").asText()).isEqualTo("value > 1");
        assertThat(find(filters, "id", freeFilter).get("monitorId").isNull()).isTrue();

        JsonNode t = snapshot.get("triggers").get(0);
        assertThat(t.get("id").asText()).isEqualTo(trigger.toString());
        assertThat(t.get("definition").get("url").asText()).isEqualTo("https://example.com/hook");
    }

    @Test
    void snapshot_ifNoneMatchHeldVersion_answers304WithEtagAndNoBody() {
        UUID tenant = fixture.insertTenant("etag");
        long version = fixture.awaitHeld(tenant);
        String etag = "\"" + version + "\"";

        for (String ifNoneMatch : List.of(etag, "W/" + etag, "\"999\", " + etag, "W/\"999\",W/" + etag, "*")) {
            HttpResponse<String> response = fixture.client.get("/tenants/" + tenant, "If-None-Match", ifNoneMatch);

            assertThat(response.statusCode()).as(ifNoneMatch).isEqualTo(304);
            assertThat(ApiClient.header(response, "ETag")).as(ifNoneMatch).isEqualTo(etag);
            assertThat(response.body()).as(ifNoneMatch).isEmpty();
        }
    }

    @Test
    void snapshot_ifNoneMatchOtherVersion_answers200() {
        UUID tenant = fixture.insertTenant("etag-other");
        long version = fixture.awaitHeld(tenant);

        for (String ifNoneMatch : List.of("\"" + (version + 1) + "\"", "\"" + version + "0\"", "garbage")) {
            HttpResponse<String> response = fixture.client.get("/tenants/" + tenant, "If-None-Match", ifNoneMatch);

            assertThat(response.statusCode()).as(ifNoneMatch).isEqualTo(200);
            assertThat(ApiClient.json(response).get("version").asLong()).isEqualTo(version);
        }
    }

    @Test
    void snapshot_afterWrite_servesNewVersionNotTheRenderedOne() {
        UUID tenant = fixture.insertTenant("rerender");
        long before = fixture.awaitHeld(tenant);
        assertThat(fixture.client.get("/tenants/" + tenant).body()).contains("\"monitors\":[]");

        fixture.insertEntity("monitors", tenant, "new", MONITOR);
        long after = fixture.awaitHeld(tenant);

        HttpResponse<String> response = fixture.client.get("/tenants/" + tenant);
        assertThat(after).isGreaterThan(before);
        assertThat(ApiClient.header(response, "ETag")).isEqualTo("\"" + after + "\"");
        assertThat(ApiClient.json(response).get("monitors")).hasSize(1);
    }

    @Test
    void snapshot_uppercaseId_answersSnapshot() {
        UUID tenant = fixture.insertTenant("upper");
        fixture.awaitHeld(tenant);

        HttpResponse<String> response =
                fixture.client.get("/tenants/" + tenant.toString().toUpperCase());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(response).get("tenant").asText()).isEqualTo(tenant.toString());
    }

    @Test
    void snapshot_unknownTenant_answers404Json() {
        HttpResponse<String> response = fixture.client.get("/tenants/" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo("tenant not found");
    }

    @Test
    void snapshot_malformedId_answers400Json() {
        for (String id : List.of(
                "not-a-uuid",
                "1-2-3-4-5",
                "123e4567e89b12d3a456426614174000",
                "%7B123e4567-e89b-12d3-a456-426614174000%7D",
                "123e4567-e89b-12d3-a456-42661417400g",
                "123e4567-e89b-12d3-a456-4266141740000",
                "123e4567+e89b-12d3-a456-426614174000")) {
            HttpResponse<String> response = fixture.client.get("/tenants/" + id);

            assertThat(response.statusCode()).as(id).isEqualTo(400);
            assertThat(ApiClient.header(response, "Content-Type")).as(id).isEqualTo("application/json");
            assertThat(ApiClient.json(response).get("error").asText()).as(id).startsWith("malformed tenant id");
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

    @Test
    void snapshot_wrongMethod_answers405JsonWithAllow() {
        HttpResponse<String> response = fixture.client.send("DELETE", "/tenants/" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(ApiClient.header(response, "Allow")).isEqualTo("GET");
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("error").asText()).startsWith("method not allowed");
    }

    private static long activeLongPolls() {
        return fixture.confWatch
                .meterRegistry()
                .get(TenantRoutes.LONG_POLLS)
                .longTaskTimer()
                .activeTasks();
    }

    private static JsonNode find(JsonNode array, UUID tenant) {
        return find(array, "tenant", tenant);
    }

    private static JsonNode find(JsonNode array, String field, UUID id) {
        for (JsonNode node : array) {
            if (node.get(field).asText().equals(id.toString())) {
                return node;
            }
        }
        throw new AssertionError("no " + field + " " + id + " in " + array);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
