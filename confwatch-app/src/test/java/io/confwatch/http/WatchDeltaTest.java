package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /watch?delta=true} against the real worker and PostgreSQL: a client applying the {@code delta} events to
 * what it holds ends with exactly the {@code GET /tenants/{id}} body after every kind of change.
 */
@ExtendWith(PostgresExtension.class)
class WatchDeltaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFINITION = "{\"networks\": [\"ethereum_mainnet\"], \"addresses\": [\"0xabc\"]}";
    private static final String FILTER = "{\"expression\": \"value > 1\"}";
    private static final String TRIGGER = "{\"type\": \"script\", \"path\": \"/bin/true\"}";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> KINDS = List.of("monitors", "filters", "triggers");

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
    void deltaStream_clientApplyingDeltas_endsWithTheTenantBodyAfterEveryKindOfChange() {
        UUID a = fixture.insertTenant("delta-a");
        UUID b = fixture.insertTenant("delta-b");
        List<UUID> monitors = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            monitors.add(fixture.insertEntity("monitors", a, "m" + i, DEFINITION));
        }
        fixture.insertEntity("monitors", b, "b-m0", DEFINITION);
        UUID filter = fixture.insertEntity("filters", a, "f0", FILTER);
        fixture.update("update confwatch.filters set monitor_id = ? where id = ?", monitors.get(1), filter);
        UUID movingFilter = fixture.insertEntity("filters", a, "f-moving", FILTER);
        fixture.update("update confwatch.filters set monitor_id = ? where id = ?", monitors.get(5), movingFilter);
        UUID trigger = fixture.insertEntity("triggers", a, "t0", TRIGGER);
        fixture.insertEntity("triggers", a, "t1", TRIGGER);
        fixture.awaitHeld(a);
        fixture.awaitHeld(b);

        try (SseClient watch =
                SseClient.open(fixture.client.port(), "/watch?delta=true&tenant=" + a + "&tenant=" + b)) {
            assertThat(watch.response.statusCode()).isEqualTo(200);
            Replica replica = new Replica();
            List<SseClient.Event> catchup = watch.untilSynced();
            assertThat(catchup).extracting(SseClient.Event::type).containsOnly("snapshot", "synced");
            catchup.forEach(replica::apply);
            replica.awaitMatches(watch, a, b);
            assertThat(replica.tenants.get(a.toString()).get("filters")).hasSize(2);
            assertThat(replica.tenants.get(a.toString()).get("triggers")).hasSize(2);

            // One definition changed: a delta carrying exactly that monitor.
            fixture.update(
                    "update confwatch.monitors set definition = ?::jsonb where id = ?",
                    DEFINITION.replace("abc", "def"),
                    monitors.get(0));
            SseClient.Event oneRow = replica.awaitMatches(watch, a);
            assertThat(oneRow.type()).isEqualTo("delta");
            JsonNode delta = oneRow.json();
            assertThat(delta.get("previousVersion").asLong())
                    .isEqualTo(delta.get("version").asLong() - 1);
            assertThat(delta.at("/upserted/monitors")).hasSize(1);
            assertThat(delta.at("/upserted/monitors/0/id").asText())
                    .isEqualTo(monitors.get(0).toString());
            assertThat(delta.at("/upserted/filters")).isEmpty();
            assertThat(delta.at("/removed/monitors")).isEmpty();

            // A rename that moves the monitor to the end of the name order.
            fixture.update("update confwatch.monitors set name = 'zz-renamed' where id = ?", monitors.get(2));
            assertThat(replica.awaitMatches(watch, a).type()).isEqualTo("delta");

            // A delete: the monitor goes, its filter is unlinked (monitorId null) by the database.
            fixture.update("delete from confwatch.monitors where id = ?", monitors.get(1));
            SseClient.Event deleted = replica.awaitMatches(watch, a);
            assertThat(deleted.type()).isEqualTo("delta");
            assertThat(deleted.json().at("/removed/monitors").get(0).asText())
                    .isEqualTo(monitors.get(1).toString());
            assertThat(deleted.json().at("/upserted/filters/0/id").asText()).isEqualTo(filter.toString());

            // A monitor and its filter moved to the other tenant in one transaction.
            transaction(
                    "set constraints all deferred",
                    "update confwatch.monitors set tenant_id = '" + b + "' where id = '" + monitors.get(5) + "'",
                    "update confwatch.filters set tenant_id = '" + b + "' where id = '" + movingFilter + "'");
            replica.awaitMatches(watch, a, b);

            // A trigger deactivated, one deleted and one added at once.
            transaction(
                    "update confwatch.triggers set is_active = false where id = '" + trigger + "'",
                    "delete from confwatch.filters where id = '" + filter + "'",
                    "insert into confwatch.triggers(tenant_id, name, definition) values ('" + a + "', 'a-new', '"
                            + TRIGGER + "'::jsonb)");
            replica.awaitMatches(watch, a);

            // The tenant row alone: status and name.
            fixture.update("update confwatch.tenants set status = 'suspended', name = 'delta-a2' where id = ?", a);
            SseClient.Event tenantRow = replica.awaitMatches(watch, a);
            assertThat(tenantRow.type()).isEqualTo("delta");
            assertThat(tenantRow.json().get("status").asText()).isEqualTo("suspended");

            // Everything of b removed: the delta would not be smaller, so a snapshot comes instead.
            transaction(
                    "delete from confwatch.filters where tenant_id = '" + b + "'",
                    "delete from confwatch.monitors where tenant_id = '" + b + "'");
            assertThat(replica.awaitMatches(watch, b).type()).isEqualTo("snapshot");

            fixture.update("delete from confwatch.tenants where id = ?", b);
            SseClient.Event removed = watch.next(WAIT);
            assertThat(removed.type()).isEqualTo("removed");
            assertThat(replica.deltas).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void deltaStream_withoutTheOption_sendsSnapshotsAsBefore() {
        UUID tenant = fixture.insertTenant("delta-off");
        UUID monitor = fixture.insertEntity("monitors", tenant, "m1", DEFINITION);
        fixture.insertEntity("monitors", tenant, "m2", DEFINITION);
        fixture.awaitHeld(tenant);
        for (String query : List.of("?tenant=" + tenant, "?delta=false&tenant=" + tenant)) {
            try (SseClient watch = SseClient.open(fixture.client.port(), "/watch" + query)) {
                watch.untilSynced();
                fixture.update(
                        "update confwatch.monitors set definition = ?::jsonb where id = ?",
                        DEFINITION.replace("abc", query.length() + "f"),
                        monitor);
                SseClient.Event changed = watch.next(WAIT);
                assertThat(changed.type()).as(query).isEqualTo("snapshot");
                assertThat(changed.data())
                        .as(query)
                        .isEqualTo(fixture.client.get("/tenants/" + tenant).body());
            }
        }
    }

    @Test
    void deltaStream_badValue_is400WithJsonError() {
        var response = fixture.client.get("/watch?delta=yes");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\"").contains("delta");
    }

    private static void transaction(String... statements) {
        try (Connection c = fixture.db.connect()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                try (PreparedStatement statement = c.prepareStatement(sql)) {
                    statement.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** What a delta client holds: each tenant's body, updated by snapshots and deltas as the README says. */
    private static final class Replica {
        final Map<String, ObjectNode> tenants = new HashMap<>();
        int deltas;

        void apply(SseClient.Event event) {
            switch (event.type()) {
                case "snapshot" -> tenants.put(event.json().get("tenant").asText(), (ObjectNode) event.json());
                case "removed" -> tenants.remove(event.json().get("tenant").asText());
                case "delta" -> applyDelta(event.json());
                default -> {}
            }
        }

        private void applyDelta(JsonNode delta) {
            deltas++;
            String tenant = delta.get("tenant").asText();
            ObjectNode held = tenants.get(tenant);
            assertThat(held).as("a delta for a tenant held").isNotNull();
            assertThat(held.get("version").asLong())
                    .isEqualTo(delta.get("previousVersion").asLong());
            ObjectNode next = JSON.createObjectNode();
            for (String field : List.of("tenant", "name", "status", "version", "changedAt", "loadedAt")) {
                next.set(field, delta.get(field));
            }
            for (String kind : KINDS) {
                Map<String, JsonNode> byId = new LinkedHashMap<>();
                held.get(kind).forEach(entity -> byId.put(entity.get("id").asText(), entity));
                delta.get("removed").get(kind).forEach(id -> byId.remove(id.asText()));
                delta.get("upserted")
                        .get(kind)
                        .forEach(entity -> byId.put(entity.get("id").asText(), entity));
                List<JsonNode> entities = new ArrayList<>(byId.values());
                entities.sort(Comparator.comparing(
                                (JsonNode entity) -> entity.get("name").asText())
                        .thenComparing(
                                entity -> UUID.fromString(entity.get("id").asText())));
                ArrayNode array = next.putArray(kind);
                entities.forEach(array::add);
            }
            tenants.put(tenant, next);
        }

        /** Applies events until each tenant equals its {@code GET /tenants/{id}} body; returns the last event. */
        SseClient.Event awaitMatches(SseClient watch, UUID... ids) {
            Map<UUID, Long> committed = new HashMap<>();
            for (UUID id : ids) {
                committed.put(id, fixture.databaseVersion(id));
            }
            SseClient.Event[] last = new SseClient.Event[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                for (SseClient.Event event : watch.drain()) {
                    apply(event);
                    last[0] = event;
                }
                for (UUID id : ids) {
                    assertThat(tenants.get(id.toString()).get("version").asLong())
                            .as("tenant " + id + " version")
                            .isEqualTo(committed.get(id));
                    JsonNode expected =
                            JSON.readTree(fixture.client.get("/tenants/" + id).body());
                    assertThat(tenants.get(id.toString())).as("tenant " + id).isEqualTo(expected);
                }
            });
            return last[0];
        }
    }
}
