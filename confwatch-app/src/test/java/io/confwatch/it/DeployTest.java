package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.config.ConfigException;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.WorkerConfig;
import io.confwatch.http.HttpApi;
import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ConfWatch#deploy} as a Vert.x application uses it (DESIGN §5a): the application's Vert.x and registry, ready on
 * completion, callbacks off the event loop, and {@link ConfWatch#closeAsync} leaving the application as it found it.
 */
@ExtendWith(PostgresExtension.class)
class DeployTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Vertx vertx;
    private MeterRegistry registry;

    @BeforeEach
    void applicationVertx() {
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void closeApplication() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void deploy_intoTheApplicationsVertx_completesReadyOffTheEventLoopWithMetersInItsRegistry(TestDatabase db)
            throws Exception {
        Fixtures rows = new Fixtures(db);
        UUID tenant = rows.tenant("acme");
        String ownVerticle = vertx.deployVerticle(new Idle()).await();

        AtomicReference<Boolean> completedOnEventLoop = new AtomicReference<>();
        Future<ConfWatch> deploying = ConfWatch.deploy(vertx, Fixtures.config(db), registry)
                .onComplete(result -> completedOnEventLoop.set(Context.isOnEventLoopThread()));
        ConfWatch confWatch = join(deploying);
        try {
            assertThat(confWatch.isReady()).isTrue();
            assertThat(confWatch.snapshot(tenant)).isPresent();
            assertThat(confWatch.vertx()).isSameAs(vertx);
            await().atMost(WAIT).until(() -> completedOnEventLoop.get() != null);
            assertThat(completedOnEventLoop.get())
                    .as("deploy completed on an event loop")
                    .isFalse();
            assertThat(vertx.deploymentIDs()).contains(ownVerticle).hasSizeGreaterThan(1);
            assertThat(registry.find("confwatch.tenants").gauge()).isNotNull();
            assertThat(registry.find("confwatch.tenants").gauge().value())
                    .isEqualTo(confWatch.size())
                    .isPositive();
            assertThat(registry.find("confwatch.reloads")
                            .tag("cause", "startup")
                            .counter())
                    .isNotNull();
        } finally {
            join(confWatch.closeAsync());
        }
    }

    @Test
    void sqlWrite_reachesTheListenerAndTheVersionWaiter_offTheEventLoop(TestDatabase db) throws Exception {
        Fixtures rows = new Fixtures(db);
        UUID tenant = rows.tenant("globex");
        ConfWatch confWatch = join(ConfWatch.deploy(vertx, Fixtures.config(db), registry));
        try {
            CompletableFuture<Boolean> listenerOnEventLoop = new CompletableFuture<>();
            confWatch.addListener((TenantChange change) -> {
                if (change.tenant().equals(tenant)) {
                    listenerOnEventLoop.complete(Context.isOnEventLoopThread());
                }
            });
            long before = rows.version(tenant);
            CompletableFuture<Boolean> waiterOnEventLoop = confWatch
                    .awaitVersion(tenant, before + 1, WAIT)
                    .thenApply(snapshot -> Context.isOnEventLoopThread());

            db.execute("insert into confwatch.monitors(tenant_id, name, definition) values ('" + tenant
                    + "', 'm1', '{\"networks\":[\"ethereum_mainnet\"]}')");

            assertThat(listenerOnEventLoop.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("listener ran on an event loop")
                    .isFalse();
            assertThat(waiterOnEventLoop.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("awaitVersion completed on an event loop")
                    .isFalse();
            assertThat(confWatch.snapshot(tenant))
                    .map(TenantSnapshot::monitors)
                    .hasValueSatisfying(monitors -> assertThat(monitors).hasSize(1));
        } finally {
            join(confWatch.closeAsync());
        }
    }

    @Test
    void closeAsync_undeploysOnlyWhatDeployWeDeployed_andTheApplicationGoesOn(TestDatabase db) throws Exception {
        new Fixtures(db).tenant("initech");
        String ownVerticle = vertx.deployVerticle(new Idle()).await();
        registry.counter("app.blocks").increment();
        Set<String> before = Set.copyOf(vertx.deploymentIDs());
        ConfWatch confWatch = join(ConfWatch.deploy(vertx, Fixtures.config(db), registry));

        AtomicReference<Boolean> closedOnEventLoop = new AtomicReference<>();
        join(confWatch.closeAsync().onComplete(result -> closedOnEventLoop.set(Context.isOnEventLoopThread())));

        assertThat(vertx.deploymentIDs())
                .containsExactlyInAnyOrderElementsOf(before)
                .contains(ownVerticle);
        assertThat(confWatch.isReady()).isFalse();
        assertThat(confWatchMeters()).isEmpty();
        assertThat(registry.find("app.blocks").counter()).isNotNull();
        await().atMost(WAIT).until(() -> closedOnEventLoop.get() != null);
        assertThat(closedOnEventLoop.get())
                .as("closeAsync completed on an event loop")
                .isFalse();
        // The application's Vert.x still runs: it deploys, and its timers fire.
        assertThat(vertx.deployVerticle(new Idle()).await(30, TimeUnit.SECONDS)).isNotBlank();
        CompletableFuture<Void> timer = new CompletableFuture<>();
        vertx.setTimer(1, id -> timer.complete(null));
        timer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // Idempotent.
        join(confWatch.closeAsync());
    }

    @Test
    void deploy_unreachableDatabase_failsWithOneLineNamingItAndLeavesNothingBehind(TestDatabase db) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WorkerConfig config =
                Fixtures.config(db).withDatabase(DatabaseTarget.of("127.0.0.1", closedPort, "nowhere", "nobody"));

        Throwable failure = failureOf(ConfWatch.deploy(vertx, config, registry));

        assertThat(failure.getMessage())
                .startsWith("cannot connect to PostgreSQL at 127.0.0.1:" + closedPort + "/nowhere")
                .doesNotContain("\n");
        assertThat(vertx.deploymentIDs()).isEmpty();
        assertThat(confWatchMeters()).isEmpty();
    }

    @Test
    void deploy_databaseWithoutTheSchema_failsWithOneLineAndLeavesNothingBehind(TestDatabase db) throws Exception {
        WorkerConfig config =
                Fixtures.config(db).withDatabase(DatabaseTarget.of(db.host(), db.port(), "postgres", db.user()));

        Throwable failure = failureOf(ConfWatch.deploy(vertx, config, registry));

        assertThat(failure.getMessage())
                .startsWith("cannot read the ConfWatch schema at " + db.host() + ":" + db.port() + "/postgres")
                .doesNotContain("\n");
        assertThat(vertx.deploymentIDs()).isEmpty();
        assertThat(confWatchMeters()).isEmpty();
    }

    @Test
    void deploy_noDatabaseConfigured_failsWithTheConfigurationMessage() throws Exception {
        Throwable failure = failureOf(ConfWatch.deploy(vertx, WorkerConfig.defaults(), registry));

        assertThat(failure).isInstanceOf(ConfigException.class);
        assertThat(failure.getMessage()).startsWith("CONFWATCH_DATABASE_URL=\"\": no database configured");
        assertThat(vertx.deploymentIDs()).isEmpty();
        assertThat(confWatchMeters()).isEmpty();
    }

    @Test
    void router_mountedUnderTheApplicationsOwnServer_servesTheApiWithoutASecondPort(TestDatabase db) throws Exception {
        UUID tenant = new Fixtures(db).tenant("hooli");
        ConfWatch confWatch = join(ConfWatch.deploy(vertx, Fixtures.config(db), registry));
        try {
            Router app = Router.router(vertx);
            app.get("/hello").handler(rc -> rc.end("app"));
            app.route("/confwatch/*")
                    .subRouter(HttpApi.router(confWatch, confWatch.config().http()));
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(app)
                    .listen(0, "127.0.0.1")
                    .await(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newHttpClient();

            assertThat(get(client, server, "/confwatch/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> snapshot = get(client, server, "/confwatch/tenants/" + tenant);
            assertThat(snapshot.statusCode()).isEqualTo(200);
            assertThat(snapshot.body()).contains("\"tenant\":\"" + tenant + "\"");
            HttpResponse<String> metrics = get(client, server, "/confwatch/metrics");
            assertThat(metrics.statusCode()).isEqualTo(404);
            assertThat(metrics.body()).startsWith("{\"error\":");
            assertThat(get(client, server, "/confwatch/admin/reload").statusCode())
                    .isIn(403, 405);
            assertThat(get(client, server, "/hello").body()).isEqualTo("app");
        } finally {
            join(confWatch.closeAsync());
        }
    }

    private static HttpResponse<String> get(HttpClient client, HttpServer server, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<Meter> confWatchMeters() {
        return registry.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("confwatch.")
                        || "tenants".equals(meter.getId().getTag("cache")))
                .toList();
    }

    private static <T> T join(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        }
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            Object value = future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Stands for the application's own verticles. */
    private static final class Idle extends VerticleBase {
        @Override
        public Future<?> start() {
            return Future.succeededFuture();
        }
    }
}
