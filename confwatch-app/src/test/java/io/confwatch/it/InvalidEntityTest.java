package io.confwatch.it;

import static io.confwatch.it.Fixtures.monitorOn;
import static io.confwatch.it.Fixtures.webhook;
import static io.confwatch.it.Fixtures.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.confwatch.ConfWatch;
import io.confwatch.metrics.ConfWatchMetrics;
import io.confwatch.model.ConfigEntity;
import io.confwatch.model.EntityKind;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An invalid definition is not served, is reported, and never takes away the valid version already served. */
@ExtendWith(PostgresExtension.class)
class InvalidEntityTest {
    private static final String NO_NETWORKS = "{\"networks\": [], \"addresses\": [\"0xabc\"]}";

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
    void newEntity_invalidDefinitionOfEachKind_notServedAndListedWithReason() {
        UUID tenant = db.tenant("invalid-new");
        UUID good = db.monitor(tenant, "good", monitorOn("ethereum_mainnet"));
        UUID monitor = db.insert(EntityKind.MONITOR, tenant, "no-networks", NO_NETWORKS);
        UUID filter = db.insert(EntityKind.FILTER, tenant, "empty", "{\"expression\": \"\"}");
        UUID trigger = db.insert(EntityKind.TRIGGER, tenant, "no-url", "{\"type\": \"webhook\"}");

        TenantSnapshot snapshot = db.heldCurrent(confWatch, tenant);

        assertThat(snapshot.monitors()).extracting(ConfigEntity::id).containsExactly(good);
        assertThat(snapshot.filters()).isEmpty();
        assertThat(snapshot.triggers()).isEmpty();
        assertThat(invalidOf(tenant))
                .extracting(InvalidEntity::kind, InvalidEntity::id, InvalidEntity::name)
                .containsExactlyInAnyOrder(
                        tuple(EntityKind.MONITOR, monitor, "no-networks"),
                        tuple(EntityKind.FILTER, filter, "empty"),
                        tuple(EntityKind.TRIGGER, trigger, "no-url"));
        assertThat(invalidOf(tenant))
                .filteredOn(e -> e.id().equals(monitor))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("networks"));
        assertThat(confWatch
                        .meterRegistry()
                        .get(ConfWatchMetrics.INVALID_ENTITIES)
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void validEntity_becomesInvalid_previousVersionKeepsBeingServedUntilFixed() {
        UUID tenant = db.tenant("invalid-later");
        UUID monitor = db.monitor(tenant, "m", monitorOn("ethereum_mainnet"));
        UUID trigger = db.trigger(tenant, "t", "https://example.com/v1");
        TenantSnapshot valid = db.heldCurrent(confWatch, tenant);

        db.redefine(EntityKind.MONITOR, monitor, NO_NETWORKS);
        db.redefine(EntityKind.TRIGGER, trigger, "{\"type\": \"carrier-pigeon\"}");
        TenantSnapshot broken = db.heldCurrent(confWatch, tenant);

        assertThat(broken.version()).isGreaterThan(valid.version());
        assertThat(broken.monitors()).containsExactlyElementsOf(valid.monitors());
        assertThat(broken.triggers()).containsExactlyElementsOf(valid.triggers());
        assertThat(invalidOf(tenant)).extracting(InvalidEntity::id).containsExactlyInAnyOrder(monitor, trigger);

        // A whole, forced read (not the delta path) must keep the previous valid versions too.
        TenantSnapshot reread = within(confWatch.reload(tenant)).orElseThrow();
        assertThat(reread.monitors()).containsExactlyElementsOf(valid.monitors());
        assertThat(reread.triggers()).containsExactlyElementsOf(valid.triggers());
        assertThat(invalidOf(tenant)).extracting(InvalidEntity::id).containsExactlyInAnyOrder(monitor, trigger);

        db.redefine(EntityKind.MONITOR, monitor, monitorOn("polygon"));
        TenantSnapshot monitorFixed = db.heldCurrent(confWatch, tenant);
        assertThat(monitorFixed.monitors()).singleElement().satisfies(m -> assertThat(m.definition())
                .contains("polygon"));
        assertThat(invalidOf(tenant)).extracting(InvalidEntity::id).containsExactly(trigger);

        db.redefine(EntityKind.TRIGGER, trigger, webhook("https://example.com/v2"));
        TenantSnapshot fixed = db.heldCurrent(confWatch, tenant);
        assertThat(fixed.triggers()).singleElement().satisfies(t -> assertThat(t.definition())
                .contains("/v2"));
        assertThat(fixed.invalid()).isEmpty();
        assertThat(invalidOf(tenant)).isEmpty();
    }

    @Test
    void invalidEntity_deactivatedOrDeleted_entryCleared() {
        UUID tenant = db.tenant("invalid-gone");
        UUID first = db.insert(EntityKind.MONITOR, tenant, "bad1", NO_NETWORKS);
        UUID second = db.insert(EntityKind.MONITOR, tenant, "bad2", NO_NETWORKS);
        db.heldCurrent(confWatch, tenant);
        assertThat(invalidOf(tenant)).extracting(InvalidEntity::id).containsExactlyInAnyOrder(first, second);

        db.setActive(EntityKind.MONITOR, first, false);
        db.heldCurrent(confWatch, tenant);
        assertThat(invalidOf(tenant)).extracting(InvalidEntity::id).containsExactly(second);

        db.delete(EntityKind.MONITOR, second);
        assertThat(db.heldCurrent(confWatch, tenant).invalid()).isEmpty();
        assertThat(invalidOf(tenant)).isEmpty();
    }

    private static List<InvalidEntity> invalidOf(UUID tenant) {
        List<InvalidEntity> all = confWatch.status().invalidEntities();
        return all.stream().filter(e -> e.tenant().equals(tenant)).toList();
    }
}
