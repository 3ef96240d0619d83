package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.reloads;
import static io.confwatch.it.Fixtures.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.model.EntityKind;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A full reload reads whole only the tenants whose rows were written since it last read them (a digest of the rows'
 * xmin tells), and still catches writes that bypassed the triggers.
 */
@ExtendWith(PostgresExtension.class)
class FullReloadDigestTest {
    private static ConfWatch confWatch;
    private static Fixtures db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = new Fixtures(database);
        confWatch = Fixtures.startReady(Fixtures.config(database));
    }

    @AfterAll
    static void stop() {
        confWatch.close();
    }

    @Test
    void secondFullReload_nothingWritten_queuesNothing_thenCatchesATriggerlessWrite() {
        UUID tenant = db.tenant("digest");
        UUID monitor = db.monitor(tenant, "m", monitorOn("before"));
        db.monitor(db.tenant("other"), "m", monitorOn("other"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);

        double readBefore = reloads(confWatch, "manual");
        int first = within(confWatch.reloadAll());
        // Each full reload records what it read once its reads are done; the next one then skips those tenants.
        await().until(() -> within(confWatch.reloadAll()) == 0);

        assertThat(first).isGreaterThanOrEqualTo(2);
        assertThat(reloads(confWatch, "manual") - readBefore).isGreaterThanOrEqualTo(first);

        db.execute("begin; alter table confwatch.monitors disable trigger user;"
                + " update confwatch.monitors set definition = '" + monitorOn("by-hand") + "' where id = '" + monitor
                + "'; alter table confwatch.monitors enable trigger user; commit");
        int third = within(confWatch.reloadAll());

        assertThat(third).as("tenants queued after a trigger-less write to one").isEqualTo(1);
        await().untilAsserted(() -> assertThat(
                        confWatch.snapshot(tenant).orElseThrow().monitors())
                .singleElement()
                .satisfies(m -> assertThat(m.definition()).contains("by-hand")));
        assertThat(confWatch.snapshot(tenant).orElseThrow().version()).isEqualTo(before.version());
    }

    @Test
    void fullReload_afterANotifiedChange_readsThatTenantAgain() {
        UUID tenant = db.tenant("moved-on");
        UUID monitor = db.monitor(tenant, "m", monitorOn("one"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);
        within(confWatch.reloadAll());
        double read = reloads(confWatch, "manual");
        await().until(() -> within(confWatch.reloadAll()) == 0);

        db.redefine(EntityKind.MONITOR, monitor, monitorOn("two"));
        Fixtures.held(confWatch, tenant, before.version() + 1);

        assertThat(within(confWatch.reloadAll())).isEqualTo(1);
        assertThat(read).isPositive();
        assertThat(confWatch.snapshot(tenant).orElseThrow().version()).isEqualTo(before.version() + 1);
    }
}
