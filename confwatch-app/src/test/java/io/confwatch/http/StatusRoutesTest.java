package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.confwatch.config.BuildInfo;
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
class StatusRoutesTest {
    private static ApiFixture fixture;

    @BeforeAll
    static void start(TestDatabase db) {
        // Default probe settings: the first self-probe comes 10 s after start, after these tests (StatusJsonTest
        // covers how probe results render).
        fixture = ApiFixture.start(db);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void status_listeningWorker_answersEveryField() {
        UUID tenant = fixture.insertTenant("status");
        fixture.awaitHeld(tenant);

        HttpResponse<String> response = fixture.client.get("/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.header(response, "Cache-Control")).isEqualTo("no-store");
        JsonNode status = ApiClient.json(response);
        assertThat(fieldNames(status))
                .containsExactly(
                        "version",
                        "workerId",
                        "mode",
                        "shard",
                        "ready",
                        "embeddedDatabase",
                        "database",
                        "listener",
                        "tenants",
                        "staleTenants",
                        "lastSweepAt",
                        "lastFullReloadAt",
                        "fullReload",
                        "failingTenants",
                        "invalidEntities",
                        "http");
        assertThat(status.get("version").asText()).isEqualTo(BuildInfo.version());
        assertThat(status.get("workerId").asText()).isEqualTo("http-test");
        assertThat(status.get("mode").asText()).isEqualTo("listen");
        assertThat(status.get("shard").asText()).isEqualTo("0/1");
        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("embeddedDatabase").asBoolean()).isFalse();
        assertThat(status.get("tenants").asInt()).isEqualTo(fixture.confWatch.size());
        assertThat(status.get("staleTenants").asInt()).isZero();
        assertThat(status.get("failingTenants").isArray()).isTrue();
        assertThat(status.get("failingTenants")).isEmpty();

        JsonNode database = status.get("database");
        assertThat(fieldNames(database)).containsExactly("sslmode", "encrypted", "verified", "clientCertificate");
        // The shared test server has no TLS: whatever the mode, the connections are plain and prove nothing.
        assertThat(database.get("encrypted").asBoolean(true)).isFalse();
        assertThat(database.get("verified").asText()).isEqualTo("none");

        JsonNode listener = status.get("listener");
        assertThat(fieldNames(listener))
                .containsExactly(
                        "connected",
                        "state",
                        "channel",
                        "reconnects",
                        "lastNotificationAt",
                        "lastProbeAt",
                        "lastProbeRoundTripMs",
                        "deafSince",
                        "deafForMs",
                        "lastError");
        assertThat(listener.get("connected").asBoolean()).isTrue();
        assertThat(listener.get("state").asText()).isEqualTo("listening");
        assertThat(listener.get("channel").asText()).isEqualTo("confwatch_changes");
        assertThat(listener.get("reconnects").asLong()).isZero();
        assertThat(Instant.parse(listener.get("lastNotificationAt").asText())).isBefore(Instant.now());
        assertThat(listener.get("deafSince").isNull()).isTrue();
        assertThat(listener.get("deafForMs").asLong()).isZero();
        assertThat(listener.get("lastError").isNull()).isTrue();
    }

    @Test
    void status_invalidEntity_isListedWithTenantKindIdNameReason() {
        UUID tenant = fixture.insertTenant("invalid");
        fixture.insertEntity("monitors", tenant, "good", "{\"networks\": [\"eth\"]}");
        UUID bad = fixture.insertEntity("monitors", tenant, "bad", "{\"networks\": []}");
        fixture.awaitHeld(tenant);

        JsonNode status = status();

        JsonNode invalid = null;
        for (JsonNode entity : status.get("invalidEntities")) {
            if (entity.get("id").asText().equals(bad.toString())) {
                invalid = entity;
            }
        }
        assertThat(invalid).as("invalid entity %s in %s", bad, status).isNotNull();
        assertThat(fieldNames(invalid)).containsExactly("tenant", "kind", "id", "name", "reason");
        assertThat(invalid.get("tenant").asText()).isEqualTo(tenant.toString());
        assertThat(invalid.get("kind").asText()).isEqualTo("monitor");
        assertThat(invalid.get("name").asText()).isEqualTo("bad");
        assertThat(invalid.get("reason").asText()).contains("networks");
        JsonNode snapshot = ApiClient.json(fixture.client.get("/tenants/" + tenant));
        assertThat(snapshot.get("monitors")).hasSize(1);
        assertThat(snapshot.get("monitors").get(0).get("name").asText()).isEqualTo("good");
    }

    @Test
    void status_anyState_neverShowsTheAdminToken() {
        HttpResponse<String> response = fixture.client.get("/status");

        assertThat(response.body()).doesNotContain(ApiFixture.ADMIN_TOKEN);
    }

    private static JsonNode status() {
        return ApiClient.json(fixture.client.get("/status"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
