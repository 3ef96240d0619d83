package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.TenantReadsAccess;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant deleted and inserted again (the way import tools "replace" one) loses its old entities: their deletes
 * cascade from the tenant row and are never logged, so a delta read must not patch the held snapshot (DESIGN §1,
 * docs/invariants.md "when a delta is complete").
 */
@ExtendWith(PostgresExtension.class)
class ReplacedTenantTest {
    private static final int OLD_MONITORS = 150;
    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = new Fixtures(database);
        WorkerConfig config = Fixtures.config(database);
        confWatch = Fixtures.startReady(config.withReload(config.reload().withSweepInterval(Duration.ofMillis(500))));
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void replacedInOneTransaction_bigTenant_servesOnlyTheNewEntities() {
        UUID tenant = bigTenant("replaced-once");
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);

        db.execute("begin; delete from confwatch.tenants where id = '" + tenant + "';"
                + " insert into confwatch.tenants (id, name) values ('" + tenant + "', 'replaced');"
                + newMonitors(tenant) + " commit;");
        TenantSnapshot after = held(confWatch, tenant, db.version(tenant));

        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.name()).isEqualTo("replaced");
        assertThat(after.monitors()).extracting(Monitor::name).containsExactly("new1", "new2", "new3");
    }

    @Test
    void replacedInTwoTransactionsUnheard_bigTenant_sweepServesOnlyTheNewEntities() {
        UUID tenant = bigTenant("replaced-twice");
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);

        // Notifications off: the worker hears neither the delete nor the re-create, as while its listener is down.
        db.execute("set confwatch.notify = off; delete from confwatch.tenants where id = '" + tenant + "';"
                + " begin; insert into confwatch.tenants (id, name) values ('" + tenant + "', 'replaced');"
                + newMonitors(tenant) + " commit;");
        TenantSnapshot after = held(confWatch, tenant, db.version(tenant));

        assertThat(after.version()).isEqualTo(before.version() + 2);
        assertThat(after.monitors()).extracting(Monitor::name).containsExactly("new1", "new2", "new3");
    }

    private static UUID bigTenant(String name) {
        UUID tenant = db.tenant(name);
        db.execute("insert into confwatch.monitors (tenant_id, name, definition) select '" + tenant
                + "', 'old' || g, '{\"networks\": [\"eth\"]}' from generate_series(1, " + OLD_MONITORS + ") g");
        TenantSnapshot held = db.heldCurrent(confWatch, tenant);
        assertThat(held.entityCount())
                .as("big enough for a delta read")
                .isGreaterThanOrEqualTo(TenantReadsAccess.deltaMinEntities())
                .isEqualTo(OLD_MONITORS);
        return tenant;
    }

    private static String newMonitors(UUID tenant) {
        return " insert into confwatch.monitors (tenant_id, name, definition) select '" + tenant
                + "', 'new' || g, '{\"networks\": [\"eth\"]}' from generate_series(1, 3) g;";
    }
}
