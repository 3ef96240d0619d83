package io.confwatch.http;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.config.HttpSettings;
import io.confwatch.config.WorkerConfig;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * A real worker on a test database with its HTTP API on a free port, shared by the tests of one class, plus the SQL a
 * writer tool would run.
 */
final class ApiFixture implements AutoCloseable {
    static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    final TestDatabase db;
    final ConfWatch confWatch;
    final HttpApi api;
    final ApiClient client;
    private final List<HttpApi> extraApis = new ArrayList<>();

    private ApiFixture(TestDatabase db, ConfWatch confWatch, HttpApi api) {
        this.db = db;
        this.confWatch = confWatch;
        this.api = api;
        this.client = new ApiClient(api.actualPort());
    }

    /** Starts a worker on {@code db}, waits until it is ready, and serves its API with the admin token set. */
    static ApiFixture start(TestDatabase db) {
        return start(db, UnaryOperator.identity());
    }

    /** Like {@link #start(TestDatabase)}, with the worker configuration changed by {@code adjust}. */
    static ApiFixture start(TestDatabase db, UnaryOperator<WorkerConfig> adjust) {
        ConfWatch confWatch = ConfWatch.start(adjust.apply(config(db)));
        if (!confWatch.awaitReady(Duration.ofSeconds(30))) {
            confWatch.close();
            throw new IllegalStateException("the worker did not get ready");
        }
        HttpSettings settings = confWatch.config().http().withHost("127.0.0.1").withAdminToken(ADMIN_TOKEN);
        HttpApi api = HttpApi.start(confWatch, settings, false).await();
        return new ApiFixture(db, confWatch, api);
    }

    /** The worker configuration for {@code db}: a free HTTP port, defaults otherwise. */
    static WorkerConfig config(TestDatabase db) {
        return WorkerConfig.defaults()
                .withDatabase(DatabaseTarget.of(db.host(), db.port(), db.database(), db.user()))
                .withHttpPort(0)
                .withWorkerId("http-test");
    }

    /** Another API on the same worker, with other settings; closed with the fixture. */
    ApiClient anotherApi(HttpSettings settings, boolean adminOpenWithoutToken) {
        HttpApi extra = HttpApi.start(confWatch, settings.withHost("127.0.0.1").withPort(0), adminOpenWithoutToken)
                .await();
        extraApis.add(extra);
        return new ApiClient(extra.actualPort());
    }

    /** Inserts a tenant and returns its id. */
    UUID insertTenant(String name) {
        UUID id = UUID.randomUUID();
        update("insert into confwatch.tenants(id, name) values (?, ?)", id, name);
        return id;
    }

    /** Inserts an entity into {@code table} ({@code monitors}, {@code filters} or {@code triggers}); returns its id. */
    UUID insertEntity(String table, UUID tenant, String name, String definition) {
        UUID id = UUID.randomUUID();
        update(
                "insert into confwatch." + table + "(id, tenant_id, name, definition) values (?, ?, ?, ?::jsonb)",
                id,
                tenant,
                name,
                definition);
        return id;
    }

    /** Runs one statement with positional parameters. */
    void update(String sql, Object... parameters) {
        try (Connection c = db.connect();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + "\nSQL: " + sql, e);
        }
    }

    /** The tenant's {@code config_version} in the database. */
    long databaseVersion(UUID tenant) {
        try (Connection c = db.connect();
                PreparedStatement statement =
                        c.prepareStatement("select config_version from confwatch.tenants where id = ?")) {
            statement.setObject(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no tenant " + tenant);
                }
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Waits until the worker holds the tenant's database version; returns it. */
    long awaitHeld(UUID tenant) {
        long version = databaseVersion(tenant);
        try {
            confWatch
                    .awaitVersion(tenant, version, Duration.ofSeconds(15))
                    .get()
                    .filter(s -> s.version() >= version)
                    .orElseThrow(() -> new IllegalStateException("tenant " + tenant + " never reached " + version));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return version;
    }

    @Override
    public void close() {
        for (HttpApi extra : extraApis) {
            extra.close().await();
        }
        api.close().await();
        confWatch.close();
    }
}
