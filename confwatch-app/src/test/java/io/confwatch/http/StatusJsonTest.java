package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.WorkerStatus;
import io.confwatch.WorkerStatus.FailingTenant;
import io.confwatch.config.ReloadBudget;
import io.confwatch.model.EntityKind;
import io.confwatch.model.FullReloadStatus;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.ListenerStatus;
import io.confwatch.model.TlsStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2025-01-02T03:04:05Z");

    @Test
    void write_pollMode_rendersListenerAsNull() throws Exception {
        JsonNode json = JSON.readTree(
                StatusJson.write(status(null, List.of(), List.of())).getBytes());

        assertThat(json.get("listener").isNull()).isTrue();
        assertThat(json.get("mode").asText()).isEqualTo("poll");
        assertThat(json.get("lastSweepAt").asText()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(json.get("lastFullReloadAt").isNull()).isTrue();
    }

    @Test
    void write_database_rendersSslModeEncryptionAndVerification() throws Exception {
        JsonNode json = JSON.readTree(
                StatusJson.write(status(null, List.of(), List.of())).getBytes());

        JsonNode database = json.get("database");
        assertThat(database.get("sslmode").asText()).isEqualTo("verify-full");
        assertThat(database.get("encrypted").asBoolean()).isTrue();
        assertThat(database.get("verified").asText()).isEqualTo("full");
        assertThat(database.get("clientCertificate").asBoolean()).isFalse();
    }

    @Test
    void write_listener_rendersProbeRoundTripInMilliseconds() throws Exception {
        ListenerStatus listener = new ListenerStatus(
                "disconnected", "ch", false, 3, AT, AT, Duration.ofNanos(1_234_567), AT, "heartbeat failed: timeout");

        JsonNode json = JSON.readTree(
                StatusJson.write(status(listener, List.of(), List.of())).getBytes());

        JsonNode rendered = json.get("listener");
        assertThat(rendered.get("lastProbeRoundTripMs").asDouble()).isEqualTo(1.235);
        assertThat(rendered.get("reconnects").asLong()).isEqualTo(3);
        assertThat(rendered.get("deafSince").asText()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(rendered.get("deafForMs").asLong()).isPositive();
        assertThat(rendered.get("lastError").asText()).isEqualTo("heartbeat failed: timeout");
    }

    @Test
    void write_failuresAndInvalidEntities_areSortedAndComplete() throws Exception {
        UUID first = new UUID(0, 1);
        UUID second = new UUID(0, 2);
        List<FailingTenant> failures = List.of(
                new FailingTenant(second, 4, "connection refused", AT), new FailingTenant(first, 1, "timeout", AT));
        List<InvalidEntity> invalid = List.of(
                new InvalidEntity(second, EntityKind.TRIGGER, new UUID(1, 1), "t", "type must be …"),
                new InvalidEntity(first, EntityKind.FILTER, new UUID(1, 2), "f", "expression must be …"));

        JsonNode json =
                JSON.readTree(StatusJson.write(status(null, failures, invalid)).getBytes());

        assertThat(json.get("failingTenants").get(0).get("tenant").asText()).isEqualTo(first.toString());
        assertThat(json.get("failingTenants").get(1).get("attempts").asInt()).isEqualTo(4);
        assertThat(json.get("failingTenants").get(1).get("error").asText()).isEqualTo("connection refused");
        assertThat(json.get("failingTenants").get(1).get("since").asText()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(json.get("invalidEntities").get(0).get("kind").asText()).isEqualTo("filter");
        assertThat(json.get("invalidEntities").get(1).get("kind").asText()).isEqualTo("trigger");
        assertThat(json.get("invalidEntities").get(1).get("reason").asText()).isEqualTo("type must be …");
    }

    private static WorkerStatus status(
            ListenerStatus listener, List<FailingTenant> failures, List<InvalidEntity> invalid) {
        return new WorkerStatus(
                "w1",
                "1.2.3",
                "poll",
                "0/1",
                true,
                false,
                new TlsStatus("verify-full", true, "full", false),
                listener,
                2,
                1,
                AT,
                null,
                new FullReloadStatus(new ReloadBudget(0.1), null, null, 0, 0, 0, Duration.ZERO),
                failures,
                invalid);
    }
}
