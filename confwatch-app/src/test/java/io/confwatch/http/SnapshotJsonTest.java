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

    @Test
    void render_withPreviousRendering_isByteForByteAFreshRendering() {
        Monitor kept = new Monitor(MONITOR, "m", "{\"networks\": [\"eth\"]}", AT, "alice");
        Filter filter = new Filter(new UUID(0, 2), "f", "{\"expression\": \"x\"}", AT, "bob", MONITOR);
        Trigger trigger = new Trigger(new UUID(0, 3), "t", "{\"type\": \"script\", \"path\": \"/x\"}", AT, "c");
        SnapshotJson.Rendered before = SnapshotJson.render(snapshot(List.of(kept), List.of(filter), List.of()), null);
        Monitor added = new Monitor(new UUID(0, 4), "n", "{\"networks\": [\"btc\"]}", AT, "dave");
        TenantSnapshot after = snapshot(List.of(kept, added), List.of(), List.of(trigger));

        SnapshotJson.Rendered patched = SnapshotJson.render(after, before);

        assertThat(patched.json().toString())
                .isEqualTo(SnapshotJson.snapshot(after).toString());
        assertThat(spanText(patched, 0))
                .isEqualTo(spanText(before, 0))
                .startsWith("{\"id\"")
                .endsWith("}");
        assertThat(spanText(patched, 2)).contains("\"script\"");
    }

    @Test
    void render_sharedEntity_isCopiedNotRenderedAgain() {
        Monitor kept = new Monitor(MONITOR, "m", "{\"networks\": [\"eth\"]}", AT, "alice");
        SnapshotJson.Rendered before = SnapshotJson.render(snapshot(List.of(kept), List.of(), List.of()), null);
        // Forge the previous rendering's bytes for the shared instance: a copy shows up, a rendering would not.
        String forged = before.json().toString().replace("\"alice\"", "\"ALICE\"");
        SnapshotJson.Rendered doctored = new SnapshotJson.Rendered(
                before.snapshot(), io.vertx.core.buffer.Buffer.buffer(forged), before.spans());

        SnapshotJson.Rendered patched = SnapshotJson.render(snapshot(List.of(kept), List.of(), List.of()), doctored);
        SnapshotJson.Rendered equalButNotSame = SnapshotJson.render(
                snapshot(
                        List.of(new Monitor(MONITOR, "m", "{\"networks\": [\"eth\"]}", AT, "alice")),
                        List.of(),
                        List.of()),
                doctored);

        assertThat(patched.json().toString()).contains("ALICE");
        assertThat(equalButNotSame.json().toString()).contains("alice").doesNotContain("ALICE");
    }

    @Test
    void delta_oneReplacedInstanceOneRemoved_carriesOnlyThoseWithTheNewTenantRow() throws Exception {
        Monitor kept = new Monitor(MONITOR, "a", "{\"n\": 1}", AT, "alice");
        Monitor changed = new Monitor(new UUID(0, 5), "b", "{\"n\": 2}", AT, "alice");
        Monitor dropped = new Monitor(new UUID(0, 6), "c", "{\"n\": 3}", AT, "alice");
        Trigger trigger = new Trigger(new UUID(0, 7), "t", "{\"type\": \"script\", \"path\": \"/x\"}", AT, "carol");
        TenantSnapshot before = snapshot(List.of(kept, changed, dropped), List.of(), List.of(trigger));
        // An equal but new instance counts as changed: identity is the loader's word for "unchanged".
        Monitor replaced = new Monitor(changed.id(), "b", "{\"n\": 2}", AT, "alice");
        TenantSnapshot after = new TenantSnapshot(
                TENANT,
                "renamed",
                "suspended",
                13,
                AT,
                AT,
                List.of(kept, replaced),
                List.of(),
                List.of(trigger),
                List.of());

        JsonNode delta =
                JSON.readTree(SnapshotJson.delta(before, after).orElseThrow().getBytes());

        assertThat(delta.get("version").asLong()).isEqualTo(13);
        assertThat(delta.get("previousVersion").asLong()).isEqualTo(12);
        assertThat(delta.get("name").asText()).isEqualTo("renamed");
        assertThat(delta.get("status").asText()).isEqualTo("suspended");
        assertThat(delta.at("/upserted/monitors")).hasSize(1);
        assertThat(delta.at("/upserted/monitors/0"))
                .isEqualTo(
                        JSON.readTree(SnapshotJson.snapshot(after).getBytes()).at("/monitors/1"));
        assertThat(delta.at("/upserted/triggers")).isEmpty();
        assertThat(delta.at("/removed/monitors/0").asText())
                .isEqualTo(dropped.id().toString());
        assertThat(delta.at("/removed/filters")).isEmpty();
    }

    @Test
    void delta_everythingReplaced_isEmptySoTheSnapshotIsSent() {
        Monitor one = new Monitor(MONITOR, "a", "{}", AT, "alice");
        TenantSnapshot before = snapshot(List.of(one), List.of(), List.of());
        TenantSnapshot after =
                snapshot(List.of(new Monitor(MONITOR, "a", "{\"x\": 1}", AT, "alice")), List.of(), List.of());
        TenantSnapshot emptied = snapshot(List.of(), List.of(), List.of());

        assertThat(SnapshotJson.delta(before, after)).isEmpty();
        assertThat(SnapshotJson.delta(before, emptied)).isEmpty();
        assertThat(SnapshotJson.delta(before, before)).isPresent();
    }

    private static String spanText(SnapshotJson.Rendered rendered, int entity) {
        int from = rendered.spans()[2 * entity];
        int to = rendered.spans()[2 * entity + 1];
        return rendered.json().getString(from, to);
    }

    private static TenantSnapshot snapshot(List<Monitor> monitors, List<Filter> filters, List<Trigger> triggers) {
        return new TenantSnapshot(
                TENANT, "acme \"quoted\"", "trial", 12, AT, AT, monitors, filters, triggers, List.of());
    }
}
