package io.confwatch.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A plain HTTP/1.1 client for one running API, with JSON helpers. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    ApiClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** The port of the API this client talks to. */
    int port() {
        return base.getPort();
    }

    /** GET {@code path} with {@code headers} (name, value, name, value, …). */
    HttpResponse<String> get(String path, String... headers) {
        return send("GET", path, headers);
    }

    /** POST {@code path} with an empty body. */
    HttpResponse<String> post(String path, String... headers) {
        return send("POST", path, headers);
    }

    /** Sends {@code method} to {@code path}, waiting at most 30 s for the answer. */
    HttpResponse<String> send(String method, String path, String... headers) {
        try {
            return sendAsync(method, path, headers).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    /** Sends {@code method} to {@code path} without waiting for the answer. */
    CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of {@code response}. */
    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The value of header {@code name}, or null. */
    static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
