package io.confwatch.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confwatch.testing.DebianPackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}, never a downloaded one) driven over the Chrome DevTools Protocol
 * with the JDK's own WebSocket client: open a page, evaluate JavaScript in it. A fresh profile per instance.
 */
final class HeadlessChromium implements AutoCloseable {
    /** Where to look for the browser; {@code CHROMIUM} overrides. */
    static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final List<String> output;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private String session;

    private HeadlessChromium(Process process, Path profile, WebSocket socket, List<String> output) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        this.output = output;
    }

    /** The browser's executable; Debian's package is installed first when missing and this runs as root. */
    static Optional<Path> findOrInstall() {
        return find().or(() -> DebianPackages.install("chromium") ? find() : Optional.empty());
    }

    /** The browser's executable, if installed. */
    static Optional<Path> find() {
        String override = System.getenv("CHROMIUM");
        Stream<String> paths = override != null ? Stream.of(override) : CANDIDATES.stream();
        return paths.map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts the browser with a fresh profile and connects to it. */
    static HeadlessChromium launch(Path executable) throws Exception {
        Path profile = Files.createTempDirectory("confwatch-chromium-");
        Process process = new ProcessBuilder(
                        executable.toString(),
                        "--no-sandbox",
                        "--headless",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread drain = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            output.add(line);
                            Matcher matcher = LISTENING.matcher(line);
                            if (matcher.find()) {
                                endpoint.complete(matcher.group(1));
                            }
                        }
                    } catch (IOException e) {
                        // The browser exited.
                    }
                    endpoint.completeExceptionally(new IllegalStateException("chromium exited: " + output));
                },
                "chromium-output");
        drain.setDaemon(true);
        drain.start();
        try {
            String url = endpoint.get(60, TimeUnit.SECONDS);
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(url), new Listener(message -> self[0].onMessage(message)))
                    .get(30, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, profile, socket, output);
            return self[0];
        } catch (Exception e) {
            process.destroyForcibly();
            deleteTree(profile);
            throw new IllegalStateException("could not start " + executable + ": " + e + "; output: " + output, e);
        }
    }

    /** Opens {@code url} in a new tab that later calls act on. */
    void open(String url) {
        ObjectNode create = JSON.createObjectNode().put("url", url);
        String target =
                call("Target.createTarget", create, false).get("targetId").asText();
        ObjectNode attach = JSON.createObjectNode().put("targetId", target).put("flatten", true);
        session = call("Target.attachToTarget", attach, false).get("sessionId").asText();
    }

    /** Evaluates {@code expression} in the page; its value as JSON (null when undefined or on a script error). */
    JsonNode evaluate(String expression) {
        ObjectNode params =
                JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
        JsonNode result = call("Runtime.evaluate", params, true);
        if (result.has("exceptionDetails")) {
            return null;
        }
        return result.path("result").path("value");
    }

    /** What the browser printed (for failure messages). */
    List<String> output() {
        return List.copyOf(output);
    }

    private JsonNode call(String method, ObjectNode params, boolean inPage) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (inPage) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        try {
            synchronized (socket) {
                socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            }
            JsonNode reply = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + " failed: " + e, e);
        } finally {
            calls.remove(id);
        }
    }

    private void onMessage(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> call = calls.get(message.get("id").asInt());
                if (call != null) {
                    call.complete(message);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway.
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless.
        }
    }

    /** Joins a message's fragments and hands it on. */
    private static final class Listener implements WebSocket.Listener {
        private final java.util.function.Consumer<String> messages;
        private final StringBuilder partial = new StringBuilder();

        Listener(java.util.function.Consumer<String> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                messages.accept(text);
            }
            webSocket.request(1);
            return null;
        }
    }
}
