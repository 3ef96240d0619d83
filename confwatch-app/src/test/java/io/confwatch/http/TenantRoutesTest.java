package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
    void snapshot_wrongMethod_answers405JsonWithAllow() {
        HttpResponse<String> response = fixture.client.send("DELETE", "/tenants/" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(ApiClient.header(response, "Allow")).isEqualTo("GET");
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("error").asText()).startsWith("method not allowed");
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
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
