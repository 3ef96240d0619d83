package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.model.EntityKind;
import io.confwatch.model.Filter;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.model.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID MONITOR = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.123456Z");

    @Test
    void snapshot_entities_embedsDefinitionsAsJsonNotStrings() throws Exception {
        String definition = "{\"networks\": [\"eth\"], \"match\": {\"s\": \"quote \\\" and \\u2028\"}}";
        TenantSnapshot snapshot = snapshot(
                List.of(new Monitor(MONITOR, "m", definition, AT, "alice")),
                List.of(new Filter(new UUID(0, 2), "f", "{\"expression\": \"x\"}", AT, "bob", null)),
                List.of(new Trigger(new UUID(0, 3), "t", "{\"type\": \"script\", \"path\": \"/x\"}", AT, "carol")));

        JsonNode json = JSON.readTree(SnapshotJson.snapshot(snapshot).getBytes());

        assertThat(json.get("monitors").get(0).get("definition")).isEqualTo(JSON.readTree(definition));
        assertThat(json.get("filters").get(0).get("monitorId").isNull()).isTrue();
        assertThat(json.get("triggers").get(0).get("definition").get("type").asText())
                .isEqualTo("script");
    }

    @Test
    void snapshot_fields_renderInContractOrderWithUtcTimestamps() {
        TenantSnapshot snapshot = snapshot(
                List.of(new Monitor(MONITOR, "m", "{}", AT, "alice")),
                List.of(new Filter(new UUID(0, 2), "f", "{}", AT, "bob", MONITOR)),
                List.of());

        String json = SnapshotJson.snapshot(snapshot).toString();

        assertThat(json)
                .isEqualTo("{\"tenant\":\"00000000-0000-0000-0000-0000000000aa\",\"name\":\"acme \\\"quoted\\\"\","
                        + "\"status\":\"trial\",\"version\":12,\"changedAt\":\"2025-03-04T05:06:07.123456Z\","
                        + "\"loadedAt\":\"2025-03-04T05:06:07.123456Z\","
                        + "\"monitors\":[{\"id\":\"00000000-0000-0000-0000-000000000001\",\"name\":\"m\","
                        + "\"definition\":{},\"updatedAt\":\"2025-03-04T05:06:07.123456Z\",\"updatedBy\":\"alice\"}],"
                        + "\"filters\":[{\"id\":\"00000000-0000-0000-0000-000000000002\",\"name\":\"f\","
                        + "\"monitorId\":\"00000000-0000-0000-0000-000000000001\",\"definition\":{},"
                        + "\"updatedAt\":\"2025-03-04T05:06:07.123456Z\",\"updatedBy\":\"bob\"}],"
                        + "\"triggers\":[]}");
    }

    @Test
    void snapshot_invalidEntities_areNotRendered() {
        TenantSnapshot snapshot = new TenantSnapshot(
                TENANT,
                "t",
                "active",
                1,
                AT,
                AT,
                List.of(),
                List.of(),
                List.of(),
                List.of(new InvalidEntity(TENANT, EntityKind.MONITOR, MONITOR, "bad", "networks must be …")));

        assertThat(SnapshotJson.snapshot(snapshot).toString()).doesNotContain("bad", "networks");
    }

    @Test
    void tenantList_snapshots_renderTenantVersionLoadedAt() {
        String json = SnapshotJson.tenantList(List.of(snapshot(List.of(), List.of(), List.of())))
                .toString();

        assertThat(json)
                .isEqualTo("[{\"tenant\":\"00000000-0000-0000-0000-0000000000aa\",\"version\":12,"
                        + "\"loadedAt\":\"2025-03-04T05:06:07.123456Z\"}]");
        assertThat(SnapshotJson.tenantList(List.of()).toString()).isEqualTo("[]");
    }

    private static TenantSnapshot snapshot(List<Monitor> monitors, List<Filter> filters, List<Trigger> triggers) {
        return new TenantSnapshot(
                TENANT, "acme \"quoted\"", "trial", 12, AT, AT, monitors, filters, triggers, List.of());
    }
}
