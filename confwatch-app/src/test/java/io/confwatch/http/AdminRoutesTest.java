package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.confwatch.config.HttpSettings;
import io.confwatch.model.ReadOutcome;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.vertx.core.Context;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class AdminRoutesTest {
    private static final String[] RIGHT_TOKEN = {"Authorization", "Bearer " + ApiFixture.ADMIN_TOKEN};

    private static ApiFixture fixture;
    private static ApiClient disabled;
    private static ApiClient openEmbedded;

    @BeforeAll
    static void start(TestDatabase db) {
        fixture = ApiFixture.start(db);
        HttpSettings noToken = fixture.confWatch.config().http().withoutAdminToken();
        disabled = fixture.anotherApi(noToken, false);
        openEmbedded = fixture.anotherApi(noToken, true);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void reload_noToken_answers401WithBearerChallenge() {
        HttpResponse<String> response = fixture.client.post("/admin/reload");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(ApiClient.header(response, "WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("error").asText()).contains("bearer token");
    }

    @Test
    void reload_wrongToken_answers401() {
        for (String authorization : new String[] {
            "Bearer " + ApiFixture.ADMIN_TOKEN + "x",
            "Bearer " + ApiFixture.ADMIN_TOKEN.substring(1),
            "Basic " + ApiFixture.ADMIN_TOKEN,
            ApiFixture.ADMIN_TOKEN,
            "Bearer"
        }) {
            HttpResponse<String> response = fixture.client.post("/admin/reload", "Authorization", authorization);

            assertThat(response.statusCode()).as(authorization).isEqualTo(401);
            assertThat(ApiClient.header(response, "WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(response.body()).doesNotContain(ApiFixture.ADMIN_TOKEN);
        }
    }

    @Test
    void reload_rightToken_answers202WithScheduledCount() {
        fixture.awaitHeld(fixture.insertTenant("reload-all"));

        HttpResponse<String> response = fixture.client.post("/admin/reload", RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
        assertThat(ApiClient.json(response).get("scheduled").asInt()).isEqualTo(tenantCount());
    }

    @Test
    void reload_bearerSchemeInOtherCase_isAccepted() {
        HttpResponse<String> response =
                fixture.client.post("/admin/reload", "Authorization", "bearer " + ApiFixture.ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void reloadOne_writeThatBypassedTriggers_answers200AndServesTheRewrite() throws SQLException {
        UUID tenant = fixture.insertTenant("bypass");
        UUID monitor = fixture.insertEntity("monitors", tenant, "m", "{\"networks\": [\"before\"]}");
        long version = fixture.awaitHeld(tenant);
        assertThat(fixture.client.get("/tenants/" + tenant).body()).contains("before");
        updateWithoutTriggers(monitor, "{\"networks\": [\"after\"]}");

        HttpResponse<String> response = fixture.client.post("/admin/reload/" + tenant, RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = ApiClient.json(response);
        assertThat(body.get("tenant").asText()).isEqualTo(tenant.toString());
        assertThat(body.get("version").asLong()).isEqualTo(version);
        assertThat(body.get("outcome").asText()).isEqualTo("installed");
        HttpResponse<String> snapshot = fixture.client.get("/tenants/" + tenant);
        assertThat(ApiClient.header(snapshot, "ETag")).isEqualTo("\"" + version + "\"");
        assertThat(snapshot.body()).contains("after").doesNotContain("before");
    }

    @Test
    void reloadOne_nothingChanged_answers200Unchanged() {
        UUID tenant = fixture.insertTenant("unchanged");
        long version = fixture.awaitHeld(tenant);

        HttpResponse<String> response = fixture.client.post("/admin/reload/" + tenant, RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = ApiClient.json(response);
        assertThat(body.get("tenant").asText()).isEqualTo(tenant.toString());
        assertThat(body.get("version").asLong()).isEqualTo(version);
        assertThat(body.get("outcome").asText()).isEqualTo("unchanged");
    }

    @Test
    void reloadOne_heldTenantDeletedUnheard_answers404AndIsDropped() throws SQLException {
        UUID tenant = fixture.insertTenant("deleted-unheard");
        fixture.awaitHeld(tenant);
        deleteTenantWithoutTriggers(tenant);

        HttpResponse<String> response = fixture.client.post("/admin/reload/" + tenant, RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo("tenant not found");
        assertThat(fixture.confWatch.snapshot(tenant)).isEmpty();
    }

    @Test
    void reloadOne_readFails_answers503NamingTheCauseAndKeepsTheSnapshot() throws SQLException {
        UUID tenant = fixture.insertTenant("read-fails");
        long version = fixture.awaitHeld(tenant);
        // A worker of its own whose reads give up after a second: the locked table makes them fail, not wait.
        ApiFixture failing = ApiFixture.start(fixture.db, config -> config.withWorkerId("http-test-failing")
                .withPool(config.pool().withQueryTimeout(Duration.ofSeconds(1))));
        try (Connection locker = fixture.db.connect()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("lock table confwatch.monitors in access exclusive mode");
            }
            try {
                HttpResponse<String> response = failing.client.post("/admin/reload/" + tenant, RIGHT_TOKEN);

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
                String error = ApiClient.json(response).get("error").asText();
                assertThat(error)
                        .startsWith("reload failed: ")
                        .contains("the last good snapshot is still served")
                        .doesNotContain("\n")
                        .doesNotContain("\tat ");
                assertThat(error.lines()).hasSize(1);
                assertThat(failing.confWatch.snapshot(tenant))
                        .hasValueSatisfying(held -> assertThat(held.version()).isEqualTo(version));
            } finally {
                locker.rollback();
            }
        } finally {
            failing.close();
        }
    }

    @Test
    void reloadOutcome_eachOutcomeReachesJavaCallersOffTheEventLoop() throws Exception {
        UUID tenant = fixture.insertTenant("java-outcomes");
        UUID monitor = fixture.insertEntity("monitors", tenant, "m", "{\"networks\": [\"before\"]}");
        long version = fixture.awaitHeld(tenant);

        ReadOutcome unchanged = fixture.confWatch.reloadOutcome(tenant).get(30, TimeUnit.SECONDS);
        assertThat(unchanged).isInstanceOf(ReadOutcome.Unchanged.class);
        assertThat(unchanged.held())
                .hasValueSatisfying(held -> assertThat(held.version()).isEqualTo(version));

        updateWithoutTriggers(monitor, "{\"networks\": [\"after\"]}");
        AtomicBoolean onEventLoop = new AtomicBoolean(true);
        ReadOutcome installed = fixture.confWatch
                .reloadOutcome(tenant)
                .whenComplete((outcome, error) -> onEventLoop.set(Context.isOnEventLoopThread()))
                .get(30, TimeUnit.SECONDS);
        assertThat(installed).isInstanceOf(ReadOutcome.Installed.class);
        assertThat(((ReadOutcome.Installed) installed)
                        .snapshot()
                        .monitors()
                        .get(0)
                        .definition())
                .contains("after");
        assertThat(onEventLoop).as("the caller's stage ran on an event loop").isFalse();

        assertThat(fixture.confWatch.reloadOutcome(UUID.randomUUID()).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ReadOutcome.Gone.class);
    }

    @Test
    void reloadOne_unknownTenant_answers404() {
        HttpResponse<String> response = fixture.client.post("/admin/reload/" + UUID.randomUUID(), RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo("tenant not found");
    }

    @Test
    void reloadOne_malformedId_answers400() {
        HttpResponse<String> response = fixture.client.post("/admin/reload/not-a-tenant", RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(response).get("error").asText()).startsWith("malformed tenant id");
    }

    @Test
    void reloadOne_noToken_answers401() {
        HttpResponse<String> response = fixture.client.post("/admin/reload/" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void reload_tokenNotConfigured_answers403Disabled() {
        for (String path : new String[] {"/admin/reload", "/admin/reload/" + UUID.randomUUID()}) {
            HttpResponse<String> response = disabled.post(path, RIGHT_TOKEN);

            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(ApiClient.header(response, "Content-Type")).isEqualTo("application/json");
            assertThat(response.body()).isEqualTo("{\"error\":\"admin API disabled: set CONFWATCH_ADMIN_TOKEN\"}");
        }
    }

    @Test
    void reload_tokenNotConfiguredButOpened_answersWithoutToken() {
        UUID tenant = fixture.insertTenant("open");
        long version = fixture.awaitHeld(tenant);

        HttpResponse<String> all = openEmbedded.post("/admin/reload");
        HttpResponse<String> one = openEmbedded.post("/admin/reload/" + tenant);

        assertThat(all.statusCode()).isEqualTo(202);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(one).get("version").asLong()).isEqualTo(version);
    }

    @Test
    void reload_wrongMethodWithToken_answers405WithAllow() {
        for (String path : new String[] {"/admin/reload", "/admin/reload/" + UUID.randomUUID()}) {
            HttpResponse<String> response = fixture.client.get(path, RIGHT_TOKEN);

            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(ApiClient.header(response, "Allow")).isEqualTo("POST");
            assertThat(ApiClient.json(response).get("error").asText()).startsWith("method not allowed");
        }
    }

    @Test
    void admin_unknownRoute_answers401WithoutTokenAnd404WithIt() {
        assertThat(fixture.client.post("/admin/nothing").statusCode()).isEqualTo(401);

        HttpResponse<String> response = fixture.client.post("/admin/nothing", RIGHT_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(response).get("error").asText()).isEqualTo("not found");
    }

    /** Rewrites a monitor with the change-tracking triggers off, as a restore or a careless script would. */
    private static void updateWithoutTriggers(UUID monitor, String definition) throws SQLException {
        try (Connection c = fixture.db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    PreparedStatement update =
                            c.prepareStatement("update confwatch.monitors set definition = ?::jsonb where id = ?")) {
                s.execute("alter table confwatch.monitors disable trigger user");
                update.setString(1, definition);
                update.setObject(2, monitor);
                assertThat(update.executeUpdate()).isEqualTo(1);
                s.execute("alter table confwatch.monitors enable trigger user");
            }
            c.commit();
        }
    }

    /** Deletes an empty tenant with the change-tracking triggers off: no hint, no log row; only a read finds out. */
    private static void deleteTenantWithoutTriggers(UUID tenant) throws SQLException {
        try (Connection c = fixture.db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    PreparedStatement delete = c.prepareStatement("delete from confwatch.tenants where id = ?")) {
                s.execute("alter table confwatch.tenants disable trigger user");
                delete.setObject(1, tenant);
                assertThat(delete.executeUpdate()).isEqualTo(1);
                s.execute("alter table confwatch.tenants enable trigger user");
            }
            c.commit();
        }
    }

    private static int tenantCount() {
        try (Connection c = fixture.db.connect();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("select count(*) from confwatch.tenants")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
