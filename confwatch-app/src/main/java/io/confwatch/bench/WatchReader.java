package io.confwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows {@code GET /watch} on a thread of its own, scanning bytes (no decoding of the snapshot bodies), and records
 * when each {@code snapshot} or {@code delta} event for a (tenant, version) had arrived whole.
 */
final class WatchReader implements AutoCloseable {
    private static final Pattern HEAD = Pattern.compile("\"tenant\":\"([0-9a-f-]{36})\".*?\"version\":([0-9]+)");
    private static final int HEAD_BYTES = 512;

    private final ConcurrentHashMap<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    private final InputStream body;
    private final Thread reader;
    private final CompletableFuture<Void> synced = new CompletableFuture<>();

    WatchReader(HttpClient http, int port, String query) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/watch" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /watch answered " + response.statusCode());
        }
        this.body = response.body();
        this.reader = new Thread(this::read, "bench-watch-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Completes once the catch-up is over. */
    CompletableFuture<Void> synced() {
        return synced;
    }

    /** Completes with {@link System#nanoTime()} when the snapshot of {@code tenant} at {@code version} has arrived. */
    CompletableFuture<Long> arrival(UUID tenant, long version) {
        return arrivals.computeIfAbsent(tenant + ":" + version, k -> new CompletableFuture<>());
    }

    /** Forgets a recorded arrival. */
    void forget(UUID tenant, long version) {
        arrivals.remove(tenant + ":" + version);
    }

    private void read() {
        byte[] buffer = new byte[1 << 16];
        byte[] line = new byte[HEAD_BYTES];
        int lineLength = 0;
        boolean eventPending = false;
        String event = null;
        String head = null;
        try {
            int n;
            while ((n = body.read(buffer)) > 0) {
                int i = 0;
                while (i < n) {
                    // A tight scan to the end of the line: a snapshot's data line is megabytes, its head is all we
                    // need.
                    int newline = i;
                    while (newline < n && buffer[newline] != '\n') {
                        newline++;
                    }
                    int keep = Math.min(newline - i, HEAD_BYTES - Math.min(lineLength, HEAD_BYTES));
                    System.arraycopy(buffer, i, line, Math.min(lineLength, HEAD_BYTES), keep);
                    lineLength += newline - i;
                    if (newline == n) {
                        break;
                    }
                    i = newline + 1;
                    if (lineLength == 0) {
                        if (eventPending) {
                            finish(event, head);
                        }
                        event = null;
                        head = null;
                        eventPending = false;
                        continue;
                    }
                    String text = new String(line, 0, Math.min(lineLength, HEAD_BYTES), StandardCharsets.UTF_8);
                    if (text.startsWith("event: ")) {
                        event = text.substring(7);
                    } else if (text.startsWith("data: ")) {
                        head = text;
                    }
                    eventPending = true;
                    lineLength = 0;
                }
            }
        } catch (IOException e) {
            // Closed.
        }
    }

    private void finish(String event, String head) {
        long now = System.nanoTime();
        if ("synced".equals(event)) {
            synced.complete(null);
        } else if (("snapshot".equals(event) || "delta".equals(event)) && head != null) {
            Matcher matcher = HEAD.matcher(head);
            if (matcher.find()) {
                arrival(UUID.fromString(matcher.group(1)), Long.parseLong(matcher.group(2)))
                        .complete(now);
            }
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
        reader.interrupt();
    }
}
