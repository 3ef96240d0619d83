package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class HttpApiTest {
    /** What a leaked stack trace or exception would look like in a body. */
    private static final Pattern LEAK =
            Pattern.compile("(?i)exception|throwable|\\tat |\\.java|io\\.confwatch|io\\.vertx");

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
    void unknownRoute_anyMethod_answers404Json() {
        for (List<String> request : List.of(
                List.of("GET", "/index.html"),
                List.of("GET", "/nope"),
                List.of("POST", "/nope"),
                List.of("GET", "/tenants/" + UUID.randomUUID() + "/monitors"),
                List.of("GET", "/livez/extra"))) {
            HttpResponse<String> response = fixture.client.send(request.get(0), request.get(1));

            assertThat(response.statusCode()).as(request.toString()).isEqualTo(404);
            assertJsonError(response, "not found");
        }
    }

    @Test
    void knownPath_wrongMethod_answers405JsonWithAllow() {
        String tenant = "/tenants/" + UUID.randomUUID();
        String[] auth = {"Authorization", "Bearer " + ApiFixture.ADMIN_TOKEN};
        for (List<String> request : List.of(
                List.of("POST", "/livez", "GET"),
                List.of("PUT", "/readyz", "GET"),
                List.of("DELETE", "/status", "GET"),
                List.of("POST", "/metrics", "GET"),
                List.of("POST", "/tenants", "GET"),
                List.of("PATCH", tenant, "GET"),
                List.of("GET", "/admin/reload", "POST"),
                List.of("DELETE", "/admin/reload/" + UUID.randomUUID(), "POST"))) {
            HttpResponse<String> response = fixture.client.send(request.get(0), request.get(1), auth);

            assertThat(response.statusCode()).as(request.toString()).isEqualTo(405);
            assertThat(ApiClient.header(response, "Allow"))
                    .as(request.toString())
                    .isEqualTo(request.get(2));
            assertJsonError(response, "method not allowed; use " + request.get(2));
        }
    }

    @Test
    void malformedPercentEncoding_answers400Json() throws IOException {
        String response = raw("GET /tenants/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).containsIgnoringCase("content-type: application/json");
        assertThat(response).endsWith("{\"error\":\"bad request\"}");
    }

    @Test
    void errorBodies_everyRoute_carryNoStackTraceOrClassName() {
        String[] auth = {"Authorization", "Bearer " + ApiFixture.ADMIN_TOKEN};
        for (HttpResponse<String> response : List.of(
                fixture.client.get("/tenants/x"),
                fixture.client.get("/tenants/" + UUID.randomUUID() + "?minVersion=x"),
                fixture.client.get("/tenants/" + UUID.randomUUID() + "?minVersion=1&wait=forever"),
                fixture.client.get("/tenants/" + UUID.randomUUID()),
                fixture.client.post("/admin/reload/x", auth),
                fixture.client.post("/admin/reload"),
                fixture.client.send("PUT", "/status"),
                fixture.client.get("/nothing"))) {
            assertThat(response.statusCode()).isBetween(400, 499);
            assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
            assertThat(ApiClient.json(response).get("error").isTextual()).isTrue();
            assertThat(LEAK.matcher(response.body()).find()).as(response.body()).isFalse();
        }
    }

    @Test
    void start_threeInstances_serveOnePortAndCloseTogether() throws IOException {
        Set<String> deployedBefore = Set.copyOf(fixture.confWatch.vertx().deploymentIDs());
        HttpApi api = HttpApi.start(
                        fixture.confWatch,
                        fixture.confWatch.config().http().withHost("127.0.0.1"),
                        false,
                        /* instances= */ 3)
                .await();
        ApiClient client = new ApiClient(api.actualPort());
        for (int i = 0; i < 9; i++) {
            assertThat(client.get("/livez").statusCode()).isEqualTo(200);
        }
        assertThat(fixture.confWatch.vertx().deploymentIDs()).hasSize(deployedBefore.size() + 1);

        // Asserted on this API, not on the port: once freed, another server in the run may take the port number.
        try (Socket open = new Socket("127.0.0.1", api.actualPort())) {
            open.setSoTimeout(10_000);
            api.close().await();
            assertThat(closedByPeer(open))
                    .as("a connection open at close is closed by the server")
                    .isTrue();
        }
        assertThat(fixture.confWatch.vertx().deploymentIDs()).containsExactlyInAnyOrderElementsOf(deployedBefore);
    }

    /** Whether the peer closed {@code socket} (end of stream or reset); a read timeout throws. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void assertJsonError(HttpResponse<String> response, String message) {
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo(message);
    }

    /** Sends {@code request} as written, for what an HTTP client library would refuse to send; reads until close. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fixture.api.actualPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
