package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confwatch.ConfWatch;
import io.confwatch.config.HttpSettings;
import io.confwatch.config.Shard;
import io.confwatch.config.SlotOwnership;
import io.confwatch.config.TenantSlot;
import io.confwatch.http.HttpApi;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Three workers on one database, shards 0/3, 1/3 and 2/3 (DESIGN §4.4a): each tenant lives in exactly one. */
@ExtendWith(PostgresExtension.class)
class ShardingTest {
    private static final int SHARDS = 3;
    private static final String ADMIN_TOKEN = "sharding-test-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static Fixtures fixtures;
    private static final List<ConfWatch> workers = new ArrayList<>();
    private static final List<HttpApi> apis = new ArrayList<>();
    private static final Set<UUID> tenants = new HashSet<>();

    @BeforeAll
    static void start(TestDatabase db) {
        fixtures = new Fixtures(db);
        for (int i = 0; i < 60; i++) {
            UUID tenant = fixtures.tenant("before-start-" + i);
            fixtures.monitor(tenant, "m", "{\"networks\": [\"ethereum_mainnet\"]}");
            tenants.add(tenant);
        }
        for (int index = 0; index < SHARDS; index++) {
            ConfWatch worker = Fixtures.startReady(
                    Fixtures.config(db).withShard(new Shard(index, SHARDS)).withWorkerId("shard-" + index));
            workers.add(worker);
            HttpSettings http = worker.config().http().withHost("127.0.0.1").withAdminToken(ADMIN_TOKEN);
            apis.add(HttpApi.start(worker, http, false).await());
        }
    }

    @AfterAll
    static void stop() {
        apis.forEach(api -> api.close().await());
        workers.forEach(ConfWatch::close);
    }

    @Test
    void initialLoadAndHints_threeShards_everyTenantHeldByExactlyItsOwner() {
        for (int i = 0; i < 30; i++) {
            UUID tenant = fixtures.tenant("after-start-" + i);
            fixtures.monitor(tenant, "m", "{\"networks\": [\"ethereum_mainnet\"]}");
            tenants.add(tenant);
        }
        // Hints reach a worker in commit order and a foreign one is dropped at once: when each worker holds its own
        // last-written tenant, it has seen every earlier hint.
        for (int index = 0; index < SHARDS; index++) {
            UUID sentinel = tenantOwnedBy(index);
            fixtures.tenant(sentinel, "sentinel-" + index);
            tenants.add(sentinel);
            Fixtures.held(workers.get(index), sentinel, 1);
        }

        Set<UUID> seen = new HashSet<>();
        for (int index = 0; index < SHARDS; index++) {
            int shard = index;
            Set<UUID> held = workers.get(index).tenants().stream()
                    .map(TenantSnapshot::tenant)
                    .collect(Collectors.toSet());
            Set<UUID> owned =
                    tenants.stream().filter(tenant -> owner(tenant) == shard).collect(Collectors.toSet());
            assertThat(held).as("tenants held by shard %d", index).isEqualTo(owned);
            assertThat(seen).as("tenants held twice").doesNotContainAnyElementsOf(held);
            seen.addAll(held);
        }
        assertThat(seen).isEqualTo(tenants);
        // Three shards of about 31 tenants each: none is empty, so each worker really filtered.
        assertThat(workers).allSatisfy(worker -> assertThat(worker.size()).isBetween(10, 60));
    }

    @Test
    void reloadAll_threeShards_eachQueuesOnlyItsOwnTenants() throws Exception {
        int queued = 0;
        for (ConfWatch worker : workers) {
            queued += Fixtures.within(worker.reloadAll());
        }

        assertThat(queued).isEqualTo(fixtures.tenantCount());
    }

    @Test
    void getTenant_foreignTenant_answers404NamingTheOwnerShard() throws Exception {
        for (UUID tenant : List.copyOf(tenants).subList(0, 20)) {
            int owner = owner(tenant);
            long version = fixtures.version(tenant);
            Fixtures.held(workers.get(owner), tenant, version);
            for (int index = 0; index < SHARDS; index++) {
                HttpResponse<String> response = get(index, "/tenants/" + tenant);
                if (index == owner) {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(json(response).get("version").asLong()).isEqualTo(version);
                } else {
                    assertThat(response.statusCode())
                            .as("shard %d asked for %s", index, tenant)
                            .isEqualTo(404);
                    JsonNode body = json(response);
                    assertThat(body.get("error").asText()).isEqualTo("tenant owned by another shard");
                    assertThat(body.get("owner").isInt()).isTrue();
                    assertThat(body.get("owner").asInt()).isEqualTo(owner);
                }
            }
        }
    }

    @Test
    void adminReload_foreignTenant_answers404NamingTheOwnerShard() throws Exception {
        UUID tenant = tenants.iterator().next();
        int owner = owner(tenant);
        int other = (owner + 1) % SHARDS;

        HttpResponse<String> response = send(
                other,
                HttpRequest.newBuilder(uri(other, "/admin/reload/" + tenant))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("owner").asInt()).isEqualTo(owner);
    }

    @Test
    void status_eachWorker_showsItsShard() throws Exception {
        await().atMost(Fixtures.WAIT).untilAsserted(() -> {
            for (int index = 0; index < SHARDS; index++) {
                JsonNode status = json(get(index, "/status"));
                assertThat(status.get("shard").asText()).isEqualTo(index + "/" + SHARDS);
                assertThat(status.get("tenants").asInt())
                        .isEqualTo(workers.get(index).size());
            }
        });
    }

    /** The shard that owns {@code tenant}: its slot's (DESIGN §4.4a). */
    private static int owner(UUID tenant) {
        return SlotOwnership.owner(TenantSlot.of(tenant), SHARDS);
    }

    private static UUID tenantOwnedBy(int shard) {
        while (true) {
            UUID tenant = UUID.randomUUID();
            if (owner(tenant) == shard) {
                return tenant;
            }
        }
    }

    private static HttpResponse<String> get(int shard, String path) throws IOException, InterruptedException {
        return send(shard, HttpRequest.newBuilder(uri(shard, path)).GET());
    }

    private static HttpResponse<String> send(int shard, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int shard, String path) {
        return URI.create("http://127.0.0.1:" + apis.get(shard).actualPort() + path);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
