package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class WatchRoutesTest {
    private static final String MONITOR = "{\"networks\": [\"ethereum_mainnet\"], \"addresses\": [\"0xabc\"]}";
    private static final Duration WAIT = Duration.ofSeconds(15);

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
    void watch_newClient_getsEverySnapshotAsServedThenSyncedThenLiveChanges() {
        UUID tenant = fixture.insertTenant("watch-fresh");
        UUID monitor = fixture.insertEntity("monitors", tenant, "m1", MONITOR);
        long version = fixture.awaitHeld(tenant);

        try (SseClient watch = SseClient.open(fixture.client.port(), "/watch")) {
            assertThat(watch.response.statusCode()).isEqualTo(200);
            assertThat(watch.response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            List<SseClient.Event> catchup = watch.untilSynced();

            Map<String, SseClient.Event> snapshots = bySnapshotTenant(catchup);
            assertThat(snapshots.keySet()).hasSize(fixture.confWatch.size()).contains(tenant.toString());
            assertThat(snapshots.get(tenant.toString()).data())
                    .isEqualTo(fixture.client.get("/tenants/" + tenant).body());
            assertThat(catchup).allSatisfy(event -> assertThat(event.id()).isNotBlank());

            fixture.update(
                    "update confwatch.monitors set definition = ?::jsonb where id = ?",
                    MONITOR.replace("abc", "def"),
                    monitor);
            SseClient.Event changed = watch.next(WAIT);
            assertThat(changed.type()).isEqualTo("snapshot");
            assertThat(changed.json().get("version").asLong()).isEqualTo(version + 1);
            assertThat(changed.data()).contains("0xdef");

            fixture.update("delete from confwatch.tenants where id = ?", tenant);
            SseClient.Event removed = watch.next(WAIT);
            assertThat(removed.type()).isEqualTo("removed");
            assertThat(removed.json().get("tenant").asText()).isEqualTo(tenant.toString());
            assertThat(removed.json().get("version").asLong()).isEqualTo(version + 1);
            assertThat(removed.id()).isNotEqualTo(changed.id());
        }
    }

    @Test
    void watch_resumeWithLastEventId_sendsOnlyWhatChangedSinceAndRemovals() {
        UUID changed = fixture.insertTenant("resume-changed");
        UUID removed = fixture.insertTenant("resume-removed");
        UUID untouched = fixture.insertTenant("resume-untouched");
        fixture.awaitHeld(changed);
        fixture.awaitHeld(removed);
        fixture.awaitHeld(untouched);
        String cursor;
        try (SseClient watch = SseClient.open(fixture.client.port(), "/watch")) {
            List<SseClient.Event> catchup = watch.untilSynced();
            cursor = catchup.get(catchup.size() - 1).id();
        }
        fixture.insertEntity("monitors", changed, "m1", MONITOR);
        long version = fixture.awaitHeld(changed);
        fixture.update("delete from confwatch.tenants where id = ?", removed);
        await().atMost(WAIT).until(() -> fixture.confWatch.snapshot(removed).isEmpty());

        for (String[] resume :
                List.of(new String[] {"/watch", "Last-Event-ID", cursor}, new String[] {"/watch?since=" + cursor})) {
            try (SseClient watch = SseClient.open(fixture.client.port(), resume[0], tail(resume))) {
                List<SseClient.Event> catchup = watch.untilSynced();

                assertThat(catchup).extracting(SseClient.Event::type).doesNotContain("reset");
                assertThat(bySnapshotTenant(catchup).keySet()).containsExactly(changed.toString());
                assertThat(bySnapshotTenant(catchup)
                                .get(changed.toString())
                                .json()
                                .get("version")
                                .asLong())
                        .isEqualTo(version);
                assertThat(catchup)
                        .filteredOn(event -> event.type().equals("removed"))
                        .extracting(event -> event.json().get("tenant").asText())
                        .containsExactly(removed.toString());
            }
        }
    }

    @Test
    void watch_cursorItCannotHonour_resetsThenSendsEverythingWith200() {
        UUID tenant = fixture.insertTenant("reset");
        fixture.awaitHeld(tenant);
        String real;
        try (SseClient watch = SseClient.open(fixture.client.port(), "/watch")) {
            List<SseClient.Event> catchup = watch.untilSynced();
            real = catchup.get(catchup.size() - 1).id();
        }
        String otherInstance = "0123456789abcdef" + real.substring(real.indexOf('-'));
        String ahead = real.substring(0, real.indexOf('-')) + "-999999999";

        for (String cursor : List.of("garbage", "", otherInstance, ahead)) {
            if (cursor.isEmpty()) {
                continue;
            }
            try (SseClient watch = SseClient.open(fixture.client.port(), "/watch", "Last-Event-ID", cursor)) {
                assertThat(watch.response.statusCode()).as(cursor).isEqualTo(200);
                List<SseClient.Event> catchup = watch.untilSynced();

                assertThat(catchup.get(0).type()).as(cursor).isEqualTo("reset");
                assertThat(catchup.get(0).json().get("reason").asText())
                        .as(cursor)
                        .isNotBlank();
                assertThat(bySnapshotTenant(catchup).keySet()).as(cursor).hasSize(fixture.confWatch.size());
            }
        }
        assertThat(fixture.client.get("/status").body()).contains("\"resets\":");
    }

    @Test
    void watch_tenantParameter_narrowsTheStreamAndRejectsMalformedIdsWith400() {
        UUID followed = fixture.insertTenant("followed");
        UUID other = fixture.insertTenant("not-followed");
        fixture.awaitHeld(followed);
        fixture.awaitHeld(other);

        try (SseClient watch = SseClient.open(fixture.client.port(), "/watch?tenant=" + followed)) {
            List<SseClient.Event> catchup = watch.untilSynced();
            assertThat(bySnapshotTenant(catchup).keySet()).containsExactly(followed.toString());

            fixture.insertEntity("monitors", other, "m1", MONITOR);
            fixture.awaitHeld(other);
            fixture.insertEntity("monitors", followed, "m1", MONITOR);
            SseClient.Event next = watch.next(WAIT);
            assertThat(next.json().get("tenant").asText()).isEqualTo(followed.toString());
        }

        HttpResponse<String> bad = fixture.client.get("/watch?tenant=" + followed + "&tenant=nope");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(ApiClient.header(bad, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(bad).get("error").asText()).contains("tenant");
    }

    @Test
    void watch_pastMaxStreams_answers503WithRetryAfterAndCountsIt() {
        ApiClient limited = fixture.anotherApi(
                fixture.confWatch.config().http().withWatchLimits(/* maxWatchStreams= */ 1, 64 * 1024), false);
        try (SseClient first = SseClient.open(limited.port(), "/watch")) {
            first.untilSynced();

            HttpResponse<String> second = limited.get("/watch");

            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(ApiClient.header(second, "Retry-After")).isNotBlank();
            assertThat(ApiClient.json(second).get("error").asText()).contains("CONFWATCH_WATCH_MAX_STREAMS");
            JsonNode watch = ApiClient.json(limited.get("/status")).get("http").get("watch");
            assertThat(watch.get("streams").asInt()).isEqualTo(1);
            assertThat(watch.get("maxStreams").asInt()).isEqualTo(1);
            assertThat(watch.get("rejected").asInt()).isGreaterThanOrEqualTo(1);
        }
        // The place is given back when the client goes away.
        await().atMost(WAIT).untilAsserted(() -> {
            try (SseClient again = SseClient.open(limited.port(), "/watch")) {
                assertThat(again.response.statusCode()).isEqualTo(200);
            }
        });
        assertThat(fixture.client.get("/metrics").body())
                .contains("confwatch_watch_rejected_total", "confwatch_watch_streams", "confwatch_watch_events_total");
    }

    @Test
    void longPoll_pastMaxLongPolls_answers503WithRetryAfterAndCountsIt() throws Exception {
        UUID tenant = fixture.insertTenant("long-poll-bound");
        long version = fixture.awaitHeld(tenant);
        ApiClient limited = fixture.anotherApi(fixture.confWatch.config().http().withMaxLongPolls(1), false);
        var waiting = limited.sendAsync("GET", "/tenants/" + tenant + "?minVersion=" + (version + 1) + "&wait=30s");
        await().atMost(WAIT)
                .until(() -> ApiClient.json(limited.get("/status"))
                                .get("http")
                                .get("longPolls")
                                .get("waiting")
                                .asInt()
                        == 1);

        HttpResponse<String> refused = limited.get("/tenants/" + tenant + "?minVersion=" + (version + 1) + "&wait=30s");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(ApiClient.header(refused, "Retry-After")).isEqualTo("1");
        assertThat(ApiClient.json(refused).get("error").asText()).contains("CONFWATCH_MAX_LONG_POLLS");
        assertThat(limited.get("/tenants/" + tenant).statusCode())
                .as("plain reads are not bounded")
                .isEqualTo(200);
        assertThat(limited.get("/metrics").body()).contains("confwatch_http_long_polls_rejected_total 1.0");

        fixture.insertEntity("monitors", tenant, "m1", MONITOR);
        assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                .isEqualTo(200);
        await().atMost(WAIT)
                .until(() -> limited.get("/tenants/" + tenant + "?minVersion=0&wait=1s")
                                .statusCode()
                        == 200);
    }

    @Test
    void watch_consumerThatStopsReading_isCutOffAndNeverHoldsBackAnother() throws Exception {
        UUID tenant = fixture.insertTenant("stall");
        fixture.update(
                "insert into confwatch.monitors (tenant_id, name, definition) select ?, 'm-' || g,"
                        + " jsonb_build_object('networks', jsonb_build_array('ethereum_mainnet'), 'n', g)"
                        + " from generate_series(1, 2000) g",
                tenant);
        UUID monitor = fixture.insertEntity("monitors", tenant, "moving", MONITOR);
        long version = fixture.awaitHeld(tenant);
        ApiClient limited = fixture.anotherApi(
                fixture.confWatch.config().http().withWatchLimits(/* maxWatchStreams= */ 8, 16 * 1024), false);
        double cutOffBefore = ApiClient.json(limited.get("/status"))
                .get("http")
                .get("watch")
                .get("cutOff")
                .asDouble();

        try (java.net.Socket stalled = new java.net.Socket();
                SseClient reader = SseClient.open(limited.port(), "/watch?tenant=" + tenant)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", limited.port()));
            stalled.getOutputStream()
                    .write(("GET /watch?tenant=" + tenant + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            reader.untilSynced();

            for (int i = 1; i <= 30; i++) {
                fixture.update(
                        "update confwatch.monitors set definition = ?::jsonb where id = ?",
                        MONITOR.replace("abc", "abc" + i),
                        monitor);
                long expected = version + i;
                List<SseClient.Event> got = reader.until(
                        event -> event.type().equals("snapshot")
                                && event.json().get("version").asLong() >= expected,
                        WAIT);
                assertThat(got.get(got.size() - 1).data()).as("write %d", i).contains("0xabc" + i + "\"");
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ApiClient.json(limited.get("/status"))
                            .get("http")
                            .get("watch")
                            .get("cutOff")
                            .asDouble())
                    .isGreaterThan(cutOffBefore));
            assertThat(reader.ended()).as("the reading client is still served").isFalse();
        }
        assertThat(fixture.client.get("/metrics").body()).contains("confwatch_watch_cut_off_total");
    }

    private static String[] tail(String[] resume) {
        return java.util.Arrays.copyOfRange(resume, 1, resume.length);
    }

    private static Map<String, SseClient.Event> bySnapshotTenant(List<SseClient.Event> events) {
        return events.stream()
                .filter(event -> event.type().equals("snapshot"))
                .collect(Collectors.toMap(
                        event -> event.json().get("tenant").asText(), Function.identity(), (a, b) -> b));
    }
}
