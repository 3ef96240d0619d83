package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.EntityKind;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.reload.TenantReadsAccess;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A small change to a big tenant reads only the changed rows from the change log and patches the held snapshot; a
 * manual reload reads the tenant whole and catches writes that bypassed the triggers.
 */
@ExtendWith(PostgresExtension.class)
class DeltaLoadTest {
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
    void oneRowChange_tenantWithTwoThousandMonitors_patchesAndKeepsUntouchedInstances() {
        UUID tenant = db.tenant("big");
        db.execute("insert into confwatch.monitors (tenant_id, name, definition)"
                + " select '" + tenant + "', 'm' || lpad(g::text, 4, '0'),"
                + " jsonb_build_object('networks', jsonb_build_array('n' || g)) from generate_series(1, 2000) g");
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);
        assertThat(before.monitors()).hasSize(2000);
        UUID changed = before.monitors().get(10).id();
        UUID bypassed = before.monitors().get(20).id();
        UUID deleted = before.monitors().get(30).id();

        // A write the change log never sees: a whole read would serve it, a delta read cannot.
        bypassTriggers("update confwatch.monitors set definition = '" + monitorOn("bypassed") + "' where id = '"
                + bypassed + "'");
        db.redefine(EntityKind.MONITOR, changed, monitorOn("changed"));
        TenantSnapshot patched = held(confWatch, tenant, before.version() + 1);

        assertThat(byId(patched).get(changed).definition()).contains("changed");
        assertThat(byId(patched).get(bypassed))
                .as("only the logged row was read")
                .isSameAs(byId(before).get(bypassed));
        assertUntouchedAreSameInstances(before, patched, changed);

        db.delete(EntityKind.MONITOR, deleted);
        TenantSnapshot afterDelete = held(confWatch, tenant, patched.version() + 1);

        assertThat(afterDelete.monitors()).hasSize(1999);
        assertThat(byId(afterDelete)).doesNotContainKey(deleted);
        assertThat(byId(afterDelete).get(bypassed)).isSameAs(byId(before).get(bypassed));
        assertUntouchedAreSameInstances(patched, afterDelete, deleted);
    }

    @Test
    void oneRowChange_smallTenant_readsWhole() {
        UUID tenant = db.tenant("small");
        UUID changed = db.monitor(tenant, "changed", monitorOn("one"));
        UUID bypassed = db.monitor(tenant, "bypassed", monitorOn("one"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);
        assertThat(before.entityCount()).isLessThan(TenantReadsAccess.deltaMinEntities());

        bypassTriggers("update confwatch.monitors set definition = '" + monitorOn("bypassed") + "' where id = '"
                + bypassed + "'");
        db.redefine(EntityKind.MONITOR, changed, monitorOn("two"));
        TenantSnapshot after = held(confWatch, tenant, before.version() + 1);

        assertThat(byId(after).get(bypassed).definition())
                .as("a small tenant is read whole, not patched from the log")
                .contains("bypassed");
    }

    @Test
    void monitorMovedToAnotherTenant_leavesOneAndJoinsTheOther() {
        UUID from = db.tenant("from");
        UUID to = db.tenant("to");
        UUID moved = db.monitor(from, "moved", monitorOn("moving"));
        UUID stays = db.monitor(from, "stays", monitorOn("staying"));
        TenantSnapshot fromBefore = db.heldCurrent(confWatch, from);
        TenantSnapshot toBefore = db.heldCurrent(confWatch, to);

        db.execute("update confwatch.monitors set tenant_id = '" + to + "' where id = '" + moved + "'");

        TenantSnapshot fromAfter = held(confWatch, from, fromBefore.version() + 1);
        TenantSnapshot toAfter = held(confWatch, to, toBefore.version() + 1);
        assertThat(fromAfter.monitors()).extracting(Monitor::id).containsExactly(stays);
        assertThat(toAfter.monitors()).extracting(Monitor::id).containsExactly(moved);
    }

    @Test
    void manualReload_rowsChangedWithTriggersDisabled_servesNewContentAtTheSameVersion() {
        UUID tenant = db.tenant("restored");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        UUID gone = db.monitor(tenant, "gone", monitorOn("polygon"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);

        bypassTriggers("update confwatch.monitors set definition = '" + monitorOn("restored") + "' where id = '"
                + monitor + "'; delete from confwatch.monitors where id = '" + gone + "';"
                + " update confwatch.tenants set name = 'restored-name' where id = '" + tenant + "'");
        assertThat(db.version(tenant)).isEqualTo(before.version());
        assertThat(confWatch.snapshot(tenant)).containsSame(before);

        TenantSnapshot reloaded = within(confWatch.reload(tenant)).orElseThrow();

        assertThat(reloaded.version()).isEqualTo(before.version());
        assertThat(reloaded.name()).isEqualTo("restored-name");
        assertThat(reloaded.monitors()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(monitor);
            assertThat(m.definition()).contains("restored");
        });
        assertThat(confWatch.snapshot(tenant)).containsSame(reloaded);
    }

    @Test
    void bareTouch_versionWithoutLogRows_readsTheTenantWhole() {
        UUID tenant = db.tenant("touched");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        TenantSnapshot before = db.heldCurrent(confWatch, tenant);
        bypassTriggers("update confwatch.monitors set definition = '" + monitorOn("fixed-by-hand") + "' where id = '"
                + monitor + "'");

        // The documented "make every worker reload this tenant": a version whose one change row is a TOUCH (V9;
        // before V9 a version with no change-log rows).
        db.execute("update confwatch.tenants set name = name where id = '" + tenant + "'");
        TenantSnapshot after = held(confWatch, tenant, before.version() + 1);

        assertThat(after.monitors()).singleElement().satisfies(m -> assertThat(m.definition())
                .contains("fixed-by-hand"));
    }

    /** Runs {@code sql} with every ConfWatch trigger off, in one transaction, as a restore or a careless tool would. */
    private static void bypassTriggers(String sql) {
        String tables = "confwatch.tenants, confwatch.monitors, confwatch.filters, confwatch.triggers";
        StringBuilder script = new StringBuilder("begin;");
        for (String table : tables.split(", ")) {
            script.append(" alter table ").append(table).append(" disable trigger user;");
        }
        script.append(' ').append(sql).append(';');
        for (String table : tables.split(", ")) {
            script.append(" alter table ").append(table).append(" enable trigger user;");
        }
        db.execute(script.append(" commit;").toString());
    }

    private static void assertUntouchedAreSameInstances(TenantSnapshot before, TenantSnapshot after, UUID touched) {
        Map<UUID, Monitor> old = byId(before);
        long reused = after.monitors().stream()
                .filter(m -> !m.id().equals(touched))
                .filter(m -> m == old.get(m.id()))
                .count();
        long untouched =
                after.monitors().stream().filter(m -> !m.id().equals(touched)).count();
        assertThat(reused).as("untouched monitors reused as the same instances").isEqualTo(untouched);
    }

    private static Map<UUID, Monitor> byId(TenantSnapshot snapshot) {
        return snapshot.monitors().stream().collect(Collectors.toMap(ConfigEntity::id, Function.identity()));
    }
}
