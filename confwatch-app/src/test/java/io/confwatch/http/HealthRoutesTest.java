package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class HealthRoutesTest {
    private static ApiFixture ready;
    private static ConfWatch unreachable;
    private static HttpApi unreachableApi;
    private static ApiClient notReady;

    @BeforeAll
    static void start(TestDatabase db) throws IOException {
        ready = ApiFixture.start(db);
        // A worker whose database never answers stays before its initial load: deterministically not ready.
        WorkerConfig config = WorkerConfig.defaults()
                .withDatabase(DatabaseTarget.of("127.0.0.1", closedPort(), "nowhere", "nobody"))
                .withHttpPort(0);
        unreachable = ConfWatch.start(config);
        unreachableApi = HttpApi.start(unreachable, config.http().withHost("127.0.0.1"), false)
                .await();
        notReady = new ApiClient(unreachableApi.actualPort());
    }

    @AfterAll
    static void stop() {
        if (unreachableApi != null) {
            unreachableApi.close().await();
        }
        if (unreachable != null) {
            unreachable.close();
        }
        if (ready != null) {
            ready.close();
        }
    }

    @Test
    void livez_workerReady_answers200Json() {
        HttpResponse<String> response = ready.client.get("/livez");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("live").asBoolean()).isTrue();
    }

    @Test
    void readyz_afterInitialLoad_answers200() {
        HttpResponse<String> response = ready.client.get("/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("ready").asBoolean()).isTrue();
    }

    @Test
    void readyz_databaseUnreachable_answers503NotReady() {
        HttpResponse<String> response = notReady.get("/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).isEqualTo("{\"ready\":false}");
    }

    @Test
    void livez_databaseUnreachable_answers200() {
        HttpResponse<String> response = notReady.get("/livez");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void status_databaseUnreachable_showsNotReadyAndListenerDown() {
        HttpResponse<String> response = notReady.get("/status");

        assertThat(response.statusCode()).isEqualTo(200);
        var status = ApiClient.json(response);
        assertThat(status.get("ready").asBoolean()).isFalse();
        assertThat(status.get("tenants").asInt()).isZero();
        assertThat(status.get("listener").get("connected").asBoolean()).isFalse();
        assertThat(status.get("listener").get("state").asText()).isIn("connecting", "disconnected");
    }

    @Test
    void tenants_databaseUnreachable_answersEmptyList() {
        HttpResponse<String> response = notReady.get("/tenants");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[]");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
