package io.confwatch.it;

import static io.confwatch.it.Fixtures.held;
import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.reloads;
import static io.confwatch.it.Fixtures.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.EntityKind;
import io.confwatch.model.Filter;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.PostgresMatrix;
import io.confwatch.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kind of write an outside tool makes reaches the worker's snapshots through the notifications alone. */
@Tag(PostgresMatrix.TAG)
@ExtendWith(PostgresExtension.class)
class PropagationTest {
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

    @ParameterizedTest
    @EnumSource(EntityKind.class)
    void entityWrites_insertUpdateSoftDeleteHardDelete_eachPropagates(EntityKind kind) {
        UUID tenant = db.tenant("lifecycle-" + kind.wireName());
        held(confWatch, tenant, 1);

        UUID id = db.insert(kind, tenant, "first", valid(kind, "alpha"));
        assertThat(entities(db.heldCurrent(confWatch, tenant), kind))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.id()).isEqualTo(id);
                    assertThat(e.name()).isEqualTo("first");
                    assertThat(e.definition()).contains("alpha");
                });

        db.redefine(kind, id, valid(kind, "bravo"));
        assertThat(entities(db.heldCurrent(confWatch, tenant), kind))
                .singleElement()
                .satisfies(e -> assertThat(e.definition()).contains("bravo"));

        db.rename(kind, id, "renamed");
        assertThat(entities(db.heldCurrent(confWatch, tenant), kind))
                .singleElement()
                .satisfies(e -> assertThat(e.name()).isEqualTo("renamed"));

        db.setActive(kind, id, false);
        assertThat(entities(db.heldCurrent(confWatch, tenant), kind)).isEmpty();

        db.setActive(kind, id, true);
        assertThat(entities(db.heldCurrent(confWatch, tenant), kind))
                .singleElement()
                .satisfies(e -> assertThat(e.id()).isEqualTo(id));

        db.delete(kind, id);
        TenantSnapshot afterDelete = db.heldCurrent(confWatch, tenant);
        assertThat(entities(afterDelete, kind)).isEmpty();
        assertThat(afterDelete.entityCount()).isZero();
    }

    @Test
    void filterMonitorId_attachedMovedAndMonitorDeleted_followsTheDatabase() {
        UUID tenant = db.tenant("filters");
        UUID first = db.monitor(tenant, "m1", monitorOn("ethereum_mainnet"));
        UUID second = db.monitor(tenant, "m2", monitorOn("polygon"));
        UUID unattached = db.filter(tenant, "everywhere", "value > 0", null);
        UUID filter = db.filter(tenant, "big", "value > 100", first);
        assertThat(db.heldCurrent(confWatch, tenant).filters())
                .extracting(Filter::id, Filter::monitorId)
                .containsExactly(tuple(filter, first), tuple(unattached, null));

        db.attachFilter(filter, second);
        assertThat(filter(db.heldCurrent(confWatch, tenant), filter).monitorId())
                .isEqualTo(second);

        // The foreign key sets monitor_id to null: a change the writer never made itself.
        db.delete(EntityKind.MONITOR, second);
        TenantSnapshot snapshot = db.heldCurrent(confWatch, tenant);
        assertThat(snapshot.monitors()).extracting(ConfigEntity::id).containsExactly(first);
        assertThat(filter(snapshot, filter).monitorId()).isNull();
    }

    @Test
    void tenantRow_renamedAndStatusChanged_propagates() {
        UUID tenant = db.tenant("before");
        db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        held(confWatch, tenant, 2);

        db.renameTenant(tenant, "after");
        assertThat(db.heldCurrent(confWatch, tenant).name()).isEqualTo("after");

        for (String status : List.of("trial", "suspended", "inactive", "active")) {
            db.setTenantStatus(tenant, status);
            TenantSnapshot snapshot = db.heldCurrent(confWatch, tenant);
            assertThat(snapshot.status()).isEqualTo(status);
            assertThat(snapshot.monitors())
                    .as("entities kept across tenant-row changes")
                    .hasSize(1);
        }
    }

    @Test
    void tenant_createdThenDeleted_appearsThenDisappearsWithItsEntities() {
        UUID tenant = db.tenant("short-lived");
        assertThat(held(confWatch, tenant, 1).name()).isEqualTo("short-lived");
        db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        UUID monitor = db.monitor(tenant, "m2", monitorOn("polygon"));
        db.filter(tenant, "f", "true", monitor);
        db.trigger(tenant, "t", "https://example.com/hook");
        assertThat(db.heldCurrent(confWatch, tenant).entityCount()).isEqualTo(4);

        db.deleteTenant(tenant);

        await().atMost(Fixtures.WAIT).until(() -> confWatch.snapshot(tenant).isEmpty());
        assertThat(confWatch.tenants()).extracting(TenantSnapshot::tenant).doesNotContain(tenant);
    }

    @Test
    void oneTransaction_touchingEveryKindAndTheTenant_reloadsOnce() throws Exception {
        UUID tenant = db.tenant("multi");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        long before = db.heldCurrent(confWatch, tenant).version();
        double reloadsBefore = Fixtures.settled(() -> reloads(confWatch, "notify"));

        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("update confwatch.monitors set definition = '" + monitorOn("polygon") + "' where id = '" + monitor
                    + "'");
            s.execute("insert into confwatch.monitors (tenant_id, name, definition) values ('" + tenant + "', 'm2', '"
                    + monitorOn("base") + "')");
            s.execute("insert into confwatch.filters (tenant_id, name, definition, monitor_id) values ('" + tenant
                    + "', 'f', '{\"expression\": \"x\"}', '" + monitor + "')");
            s.execute("insert into confwatch.triggers (tenant_id, name, definition) values ('" + tenant + "', 't', '"
                    + webhook("https://example.com") + "')");
            s.execute("update confwatch.tenants set name = 'multi-renamed' where id = '" + tenant + "'");
            c.commit();
        }

        TenantSnapshot snapshot = held(confWatch, tenant, before + 1);
        assertThat(snapshot.version()).isEqualTo(before + 1).isEqualTo(db.version(tenant));
        assertThat(snapshot.name()).isEqualTo("multi-renamed");
        assertThat(snapshot.entityCount()).isEqualTo(4);
        assertThat(snapshot.monitors().get(0).definition()).contains("polygon");
        assertReloadsSettleAt(reloadsBefore + 1);
    }

    @Test
    void bulkInsert_thousandRowsInOneStatement_reloadsOnceAndServesAll() {
        UUID tenant = db.tenant("bulk");
        long before = held(confWatch, tenant, 1).version();
        double reloadsBefore = Fixtures.settled(() -> reloads(confWatch, "notify"));

        db.execute("insert into confwatch.monitors (tenant_id, name, definition)"
                + " select '" + tenant + "', 'm' || g, jsonb_build_object('networks', jsonb_build_array('n' || g))"
                + " from generate_series(1, 1000) g");

        TenantSnapshot snapshot = held(confWatch, tenant, before + 1);
        assertThat(snapshot.version()).isEqualTo(before + 1);
        assertThat(snapshot.monitors()).hasSize(1000);
        assertThat(snapshot.invalid()).isEmpty();
        assertReloadsSettleAt(reloadsBefore + 1);
    }

    @Test
    void tenants_manyHeld_orderedByTenantIdAsTheDatabaseOrdersThem() {
        List<UUID> ids = Stream.of(
                        "ffffffff-0000-4000-8000-000000000001",
                        "00000000-0000-4000-8000-000000000001",
                        "80000000-0000-4000-8000-000000000001",
                        "7fffffff-ffff-4fff-bfff-ffffffffffff",
                        "00000000-0000-4000-8000-800000000001",
                        "00000000-0000-4000-8000-000000000002")
                .map(UUID::fromString)
                .toList();
        for (UUID id : ids) {
            held(confWatch, db.tenant(id, "ordered"), 1);
        }

        List<UUID> listed = confWatch.tenants().stream()
                .map(TenantSnapshot::tenant)
                .filter(ids::contains)
                .toList();

        assertThat(listed).containsExactlyElementsOf(db.idsInDatabaseOrder(ids));
        assertThat(listed.stream().map(UUID::toString).toList()).isSorted();
    }

    /**
     * Waits for the notify-caused reload count to reach {@code expected}, then checks it stays there: a second reload
     * would show up within the stability window.
     */
    private static void assertReloadsSettleAt(double expected) {
        await().atMost(Fixtures.WAIT)
                .during(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(reloads(confWatch, "notify")).isEqualTo(expected));
    }

    private static String valid(EntityKind kind, String marker) {
        return switch (kind) {
            case MONITOR -> monitorOn(marker);
            case FILTER -> "{\"expression\": \"" + marker + "\"}";
            case TRIGGER -> webhook("https://example.com/" + marker);
        };
    }

    private static List<? extends ConfigEntity> entities(TenantSnapshot snapshot, EntityKind kind) {
        return switch (kind) {
            case MONITOR -> snapshot.monitors();
            case FILTER -> snapshot.filters();
            case TRIGGER -> snapshot.triggers();
        };
    }

    private static Filter filter(TenantSnapshot snapshot, UUID id) {
        return snapshot.filters().stream()
                .filter(f -> f.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("filter " + id + " not served"));
    }
}
