package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 500 path, which no route of the real API takes on purpose: a router with handlers that fail. */
class JsonErrorsTest {
    private static Vertx vertx;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        JsonErrors.install(router);
        router.get("/throws").handler(rc -> {
            throw new IllegalStateException("secret detail from the database");
        });
        router.get("/fails").handler(rc -> rc.fail(new ArithmeticException("another secret")));
        router.get("/async").handler(rc -> vertx.setTimer(1, id -> rc.fail(new NullPointerException("npe"))));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
        client = new ApiClient(server.actualPort());
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void handlerThrows_answers500GenericJson() {
        for (String path : new String[] {"/throws", "/fails", "/async"}) {
            HttpResponse<String> response = client.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(500);
            assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
            assertThat(ApiClient.json(response).get("error").asText()).isEqualTo(JsonErrors.INTERNAL_ERROR);
            assertThat(response.body()).doesNotContain("secret", "Exception", "npe", "at io.");
        }
    }
}
