package io.confwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop HTTP/1.1 load generator: {@code connections} keep-alive connections on loopback, each sending its next
 * {@code GET} as soon as the previous answer's body has arrived (or, paced, when it is next due), to a path picked at
 * random. Latency runs from the moment a request is handed to the client to the end of its answer's body; a paced
 * request sent late is timed from when it was sent, not from when it was due (no correction for coordinated
 * omission), so a paced run is meaningful only well below the rate the machine can reach. It runs on a Vert.x
 * instance of its own with one event loop, so it never shares a thread with the server under test (it does share the
 * machine's CPUs). No {@code If-None-Match} is sent: every answer is a full body.
 */
final class HttpLoad implements AutoCloseable {
    /**
     * What one phase (or several, added up) measured.
     *
     * @param requests requests answered or failed
     * @param errors requests not answered 200
     * @param bodyBytes body bytes received
     * @param seconds how long the load ran
     * @param samples the latencies of the requests answered 200
     * @param firstError what the first error was, or null
     * @param gcCount garbage collections in this JVM (server and client alike) while the load ran
     * @param gcMillis the time those collections took, as the JVM's collector beans count it
     */
    record Phase(
            long requests,
            long errors,
            long bodyBytes,
            double seconds,
            LatencySamples samples,
            String firstError,
            long gcCount,
            long gcMillis) {
        /** Requests answered 200 per second of the phase. */
        double perSecond() {
            return seconds > 0 ? (requests - errors) / seconds : 0;
        }

        /** p50, p99, max of the requests answered 200. */
        Summary latency() {
            return samples.summary();
        }

        /** This phase and {@code other} as one. */
        Phase plus(Phase other) {
            LatencySamples both = new LatencySamples();
            both.addAll(samples);
            both.addAll(other.samples);
            return new Phase(
                    requests + other.requests,
                    errors + other.errors,
                    bodyBytes + other.bodyBytes,
                    seconds + other.seconds,
                    both,
                    firstError != null ? firstError : other.firstError,
                    gcCount + other.gcCount,
                    gcMillis + other.gcMillis);
        }
    }

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final List<String> paths;
    private final int connections;

    /**
     * @param port the server's port on 127.0.0.1
     * @param paths the paths to pick from, e.g. {@code /tenants/<id>}
     * @param connections connections, each with one request outstanding at a time
     */
    HttpLoad(int port, List<String> paths, int connections) {
        if (paths.isEmpty() || connections < 1) {
            throw new IllegalArgumentException("need paths and at least one connection");
        }
        this.paths = List.copyOf(paths);
        this.connections = connections;
        this.vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1))
                .build();
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(port)
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    /** Drives the load unpaced for {@code duration}; blocks the calling thread (never an event loop) until it is over. */
    Phase run(Duration duration) throws Exception {
        return run(duration, 0);
    }

    /**
     * Drives the load for {@code duration}; blocks the calling thread (never an event loop) until it is over.
     *
     * @param rate requests per second over all connections, each connection sending on a fixed schedule (a request
     *     that falls behind goes as soon as the previous answer is in); 0 for none: each connection sends its next
     *     request as soon as the previous answer is in
     */
    Phase run(Duration duration, double rate) throws Exception {
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be 0 or more: " + rate);
        }
        double intervalNanos = rate > 0 ? connections * 1e9 / rate : 0;
        long[] gcBefore = gc();
        CompletableFuture<Phase> done = new CompletableFuture<>();
        vertx.runOnContext(v -> new Run(duration.toNanos(), intervalNanos, done).start());
        Phase phase = done.get(duration.toMillis() + TimeUnit.MINUTES.toMillis(1), TimeUnit.MILLISECONDS);
        long[] gcAfter = gc();
        return new Phase(
                phase.requests(),
                phase.errors(),
                phase.bodyBytes(),
                phase.seconds(),
                phase.samples(),
                phase.firstError(),
                gcAfter[0] - gcBefore[0],
                gcAfter[1] - gcBefore[1]);
    }

    /** Collections so far and their milliseconds, over every collector of this JVM. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** One phase's state, confined to the client's event loop. */
    private final class Run {
        private final SplittableRandom random = new SplittableRandom();
        private final LatencySamples samples = new LatencySamples();
        private final long started = System.nanoTime();
        private final long deadline;
        private final CompletableFuture<Phase> done;
        /** Between two requests of one connection when paced, else 0. */
        private final double intervalNanos;
        /** Per connection, when its next request is due (paced runs only). */
        private final long[] due = new long[connections];

        private long requests;
        private long errors;
        private long bodyBytes;
        private String firstError;
        private int running;

        Run(long nanos, double intervalNanos, CompletableFuture<Phase> done) {
            this.deadline = started + nanos;
            this.intervalNanos = intervalNanos;
            this.done = done;
        }

        void start() {
            running = connections;
            for (int i = 0; i < connections; i++) {
                // Paced connections start staggered over one interval, so the requests spread evenly.
                due[i] = started + (long) (intervalNanos * i / connections);
                next(i);
            }
        }

        /** Sends connection {@code i}'s next request now, or when it is due, or stops that connection at the end. */
        private void next(int i) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                if (--running == 0) {
                    finish();
                }
                return;
            }
            long wait = due[i] - now;
            if (intervalNanos > 0 && wait > 0) {
                // Vert.x timers count whole milliseconds; a late send is caught up by the fixed schedule.
                vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> send(i));
            } else {
                send(i);
            }
        }

        private void send(int i) {
            due[i] += (long) intervalNanos;
            String path = paths.get(random.nextInt(paths.size()));
            long sent = System.nanoTime();
            client.request(HttpMethod.GET, path)
                    .compose(request -> request.send())
                    .compose(response -> {
                        // Count the body's bytes as they arrive rather than gather them into one buffer.
                        response.handler(chunk -> bodyBytes += chunk.length());
                        return response.end().map(v -> response.statusCode());
                    })
                    .onComplete(ar -> {
                        long latency = System.nanoTime() - sent;
                        requests++;
                        if (ar.succeeded() && ar.result() == 200) {
                            samples.add(latency);
                        } else {
                            errors++;
                            if (firstError == null) {
                                firstError = ar.succeeded()
                                        ? "HTTP " + ar.result()
                                        : ar.cause().toString();
                            }
                        }
                        next(i);
                    });
        }

        private void finish() {
            double seconds = (System.nanoTime() - started) / 1e9;
            done.complete(new Phase(requests, errors, bodyBytes, seconds, samples, firstError, 0, 0));
        }
    }

    @Override
    public void close() {
        try {
            client.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing Vert.x below closes the client's connections anyway.
        }
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort: the bench goes on with the next scenario.
        }
    }
}
