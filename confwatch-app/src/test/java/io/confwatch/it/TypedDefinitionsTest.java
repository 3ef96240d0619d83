package io.confwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.confwatch.ConfWatch;
import io.confwatch.model.Definitions;
import io.confwatch.model.EntityKind;
import io.confwatch.model.InvalidEntity;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.PostgresExtension;
import io.confwatch.testing.TestDatabase;
import io.vertx.core.Context;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An application's own definition types: decoded once per change, served from the snapshot, rejected like invalid. */
@ExtendWith(PostgresExtension.class)
class TypedDefinitionsTest {
    /** The application's view of a monitor: only what it evaluates. */
    record Rule(List<String> networks, Match match) {
        record Match(long minValue) {}
    }

    private final AtomicInteger validations = new AtomicInteger();
    /** Validations that ran on an event loop: the application's code must never (it may block). */
    private final AtomicInteger onEventLoop = new AtomicInteger();

    private Definitions definitions() {
        return Definitions.builder()
                .register(EntityKind.MONITOR, Rule.class, rule -> {
                    validations.incrementAndGet();
                    if (Context.isOnEventLoopThread()) {
                        onEventLoop.incrementAndGet();
                    }
                    return rule.match() == null || rule.match().minValue() < 0
                            ? Optional.of("match.minValue must be zero or more")
                            : Optional.empty();
                })
                .build();
    }

    @Test
    void typed_changedDefinition_decodedOncePerChangeAndServedFromTheSnapshot(TestDatabase db) throws Exception {
        Fixtures rows = new Fixtures(db);
        UUID tenant = rows.tenant("acme");
        UUID monitor = rows.monitor(tenant, "large", "{\"networks\":[\"eth\"],\"match\":{\"minValue\":5}}");
        try (ConfWatch confWatch = ConfWatch.start(Fixtures.config(db), definitions())) {
            assertThat(confWatch.awaitReady(Fixtures.WAIT)).isTrue();
            TenantSnapshot first = Fixtures.held(confWatch, tenant, rows.version(tenant));
            assertThat(first.typedMonitors(Rule.class)).containsExactly(new Rule(List.of("eth"), new Rule.Match(5)));
            Monitor served = first.monitors().get(0);
            assertThat(first.typed(served, Rule.class))
                    .map(rule -> rule.match().minValue())
                    .contains(5L);
            assertThat(first.typed(served, String.class)).isEmpty();
            assertThat(served.definition()).contains("\"minValue\": 5");
            int decodedOnce = validations.get();

            // A forced reload of unchanged rows decodes nothing again.
            Fixtures.within(confWatch.reload(tenant));
            UUID other = rows.monitor(tenant, "other", "{\"networks\":[\"eth\"],\"match\":{\"minValue\":1}}");
            Fixtures.held(confWatch, tenant, rows.version(tenant));
            rows.rename(EntityKind.MONITOR, other, "other2");
            Fixtures.held(confWatch, tenant, rows.version(tenant));
            assertThat(validations.get() - decodedOnce)
                    .as("validations for one new monitor renamed once (two changes of it), none for the unchanged")
                    .isEqualTo(2);

            rows.redefine(EntityKind.MONITOR, monitor, "{\"networks\":[\"eth\"],\"match\":{\"minValue\":9}}");
            TenantSnapshot changed = Fixtures.held(confWatch, tenant, rows.version(tenant));
            assertThat(changed.typed(byId(changed, monitor), Rule.class))
                    .map(rule -> rule.match().minValue())
                    .contains(9L);
        }
        assertThat(onEventLoop)
                .as("validations on an event loop, of %s", validations)
                .hasValue(0);
    }

    @Test
    void typed_definitionTheValidatorRejects_notServedLastGoodKeptAndReported(TestDatabase db) throws Exception {
        Fixtures rows = new Fixtures(db);
        UUID tenant = rows.tenant("globex");
        UUID monitor = rows.monitor(tenant, "large", "{\"networks\":[\"eth\"],\"match\":{\"minValue\":5}}");
        UUID fresh = UUID.randomUUID();
        try (ConfWatch confWatch = ConfWatch.start(Fixtures.config(db), definitions())) {
            assertThat(confWatch.awaitReady(Fixtures.WAIT)).isTrue();

            rows.redefine(EntityKind.MONITOR, monitor, "{\"networks\":[\"eth\"],\"match\":{\"minValue\":-1}}");
            db.execute("insert into confwatch.monitors(id, tenant_id, name, definition) values ('" + fresh + "', '"
                    + tenant + "', 'fresh', '{\"networks\":[\"eth\"],\"match\":{\"minValue\":\"lots\"}}')");
            TenantSnapshot held = Fixtures.held(confWatch, tenant, rows.version(tenant));

            assertThat(held.invalid()).extracting(InvalidEntity::id).containsExactlyInAnyOrder(monitor, fresh);
            assertThat(held.invalid())
                    .filteredOn(invalid -> invalid.id().equals(monitor))
                    .extracting(InvalidEntity::reason)
                    .containsExactly("match.minValue must be zero or more");
            assertThat(held.invalid())
                    .filteredOn(invalid -> invalid.id().equals(fresh))
                    .extracting(InvalidEntity::reason)
                    .singleElement()
                    .asString()
                    .startsWith("definition does not fit Rule");
            // The last good version of the rejected monitor is served; the new one, never valid, is not.
            assertThat(held.monitors()).extracting(Monitor::id).containsExactly(monitor);
            assertThat(held.typedMonitors(Rule.class)).containsExactly(new Rule(List.of("eth"), new Rule.Match(5)));
            assertThat(confWatch.status().invalidEntities()).hasSize(2);
            await().atMost(Fixtures.WAIT)
                    .until(() -> confWatch
                                    .meterRegistry()
                                    .get("confwatch.invalid.entities")
                                    .gauge()
                                    .value()
                            == 2.0);
        }
    }

    private static Monitor byId(TenantSnapshot snapshot, UUID id) {
        return snapshot.monitors().stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
