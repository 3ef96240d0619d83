package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.monitorOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.ConfWatch;
import io.confwatch.config.DatabaseTarget;
import io.confwatch.db.JdbcTarget;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.EntityKind;
import io.confwatch.model.Filter;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.RoleLogins;
import io.confwatch.testing.TestDatabase;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The least-privilege deployment end to end: a worker logged in as a member of confwatch_worker follows what a login in
 * confwatch_writer writes, and a write across tenants is refused by the database before any worker could serve it.
 */
@ExtendWith(PostgresExtension.class)
class WriterLoginTest {
    private static RoleLogins logins;
    private static ConfWatch confWatch;
    private static Fixtures writer;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        logins = RoleLogins.create(db);
        writer = new Fixtures(as(db, logins.writer()));
        DatabaseTarget worker = DatabaseTarget.of(db.host(), db.port(), db.database(), logins.worker())
                .withPassword(logins.password());
        confWatch = Fixtures.startReady(Fixtures.config(db).withDatabase(worker));
    }

    @AfterAll
    static void stop() {
        try {
            confWatch.close();
        } finally {
            logins.drop();
        }
    }

    @Test
    void writesOfAWriterLogin_areFollowedByAWorkerLogin() {
        UUID tenant = writer.tenant("written by a writer login");
        UUID monitor = writer.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        UUID filter = writer.filter(tenant, "f", "value > 1", monitor);
        held(confWatch, tenant, writer.version(tenant));

        writer.redefine(EntityKind.MONITOR, monitor, monitorOn("polygon"));
        TenantSnapshot redefined = held(confWatch, tenant, writer.version(tenant));
        assertThat(redefined.monitors()).singleElement().satisfies(m -> assertThat(m.definition())
                .contains("polygon"));
        assertThat(redefined.filters()).extracting(Filter::monitorId).containsExactly(monitor);

        writer.delete(EntityKind.MONITOR, monitor);
        TenantSnapshot deleted = held(confWatch, tenant, writer.version(tenant));
        assertThat(deleted.monitors()).isEmpty();
        assertThat(deleted.filters()).extracting(ConfigEntity::id).containsExactly(filter);
        assertThat(deleted.filters()).extracting(Filter::monitorId).containsOnlyNulls();

        writer.setTenantStatus(tenant, "suspended");
        assertThat(held(confWatch, tenant, writer.version(tenant)).status()).isEqualTo("suspended");
    }

    @Test
    void filterNamingAnotherTenantsMonitor_isRefusedAndNeverServed() {
        UUID mine = writer.tenant("mine");
        UUID theirs = writer.tenant("theirs");
        UUID theirMonitor = writer.monitor(theirs, "m", monitorOn("ethereum_mainnet"));
        long before = writer.version(mine);

        assertThatThrownBy(() -> writer.filter(mine, "borrowed", "value > 1", theirMonitor))
                .hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("filters_monitor_same_tenant_fkey");
        UUID own = writer.filter(mine, "own", "value > 2", null);

        TenantSnapshot held = held(confWatch, mine, before + 1);
        assertThat(held.filters()).extracting(ConfigEntity::id).containsExactly(own);
    }

    private static TestDatabase as(TestDatabase db, String login) {
        JdbcTarget admin = db.target();
        return new TestDatabase(new JdbcTarget(
                admin.host(), admin.port(), admin.database(), login, logins.password(), admin.sslMode()));
    }
}
