package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.Snapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WatchHubTest {
    private final Map<UUID, TenantSnapshot> cache = new HashMap<>();
    private final WatchHub hub = new WatchHub(tenant -> Optional.ofNullable(cache.get(tenant)), /* removalLog= */ 2);
    private final List<WatchEvent> events = new ArrayList<>();
    private final UUID a = new UUID(0, 1);
    private final UUID b = new UUID(0, 2);
    private final UUID c = new UUID(0, 3);

    @Test
    void reconcile_sameSnapshotTwice_numbersOneChange() {
        hub.subscribe(Optional.empty(), t -> true, events::add);
        install(a, 1);

        hub.reconcile(a);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).seq()).isEqualTo(1);
        assertThat(events.get(0).snapshot()).isSameAs(cache.get(a));
    }

    @Test
    void subscribe_newClient_getsEveryHeldTenantAtSequenceZero() {
        install(a, 1);
        install(b, 1);

        WatchHub.Catchup catchup = hub.subscribe(Optional.empty(), t -> true, events::add);

        assertThat(catchup.resetReason()).isNull();
        assertThat(catchup.cursor().seq()).isZero();
        assertThat(catchup.items()).extracting(WatchEvent::tenant).containsExactly(a, b);
        assertThat(catchup.seq()).isEqualTo(2);
    }

    @Test
    void subscribe_resume_sendsChangedSinceAndRemovalsOfTenantsNotHeld() {
        install(a, 1);
        install(b, 1);
        install(c, 1);
        String cursor = new WatchCursor(hub.instance(), 3).toString();
        install(a, 2);
        remove(b);
        remove(c);
        install(c, 5);

        WatchHub.Catchup catchup = hub.subscribe(Optional.of(cursor), t -> true, events::add);

        assertThat(catchup.resetReason()).isNull();
        assertThat(catchup.cursor().toString()).isEqualTo(cursor);
        assertThat(catchup.items())
                .extracting(e -> e.tenant() + (e.isRemoval() ? " removed" : " v" + e.version()))
                .containsExactly(b + " removed", a + " v2", c + " v5");
    }

    @Test
    void subscribe_cursorsItCannotHonour_resetWithEverything() {
        install(a, 1);
        install(b, 1);
        String early = new WatchCursor(hub.instance(), 1).toString();
        install(c, 1);
        remove(c);
        install(c, 2);
        remove(c);
        remove(b); // three removals in a log of two: the first is forgotten

        for (String cursor :
                List.of("nonsense", "0123456789abcdef-1", new WatchCursor(hub.instance(), 999).toString(), early)) {
            WatchHub.Catchup catchup = hub.subscribe(Optional.of(cursor), t -> true, events::add);

            assertThat(catchup.resetReason()).as(cursor).isNotNull();
            assertThat(catchup.cursor().seq()).as(cursor).isZero();
            assertThat(catchup.items())
                    .as(cursor)
                    .extracting(WatchEvent::tenant)
                    .containsExactly(a);
        }
        String recent = new WatchCursor(hub.instance(), 5).toString();
        assertThat(hub.subscribe(Optional.of(recent), t -> true, events::add).resetReason())
                .isNull();
    }

    @Test
    void subscribe_filter_narrowsCatchupButEveryEventIsHandedOver() {
        install(a, 1);
        install(b, 1);

        WatchHub.Catchup catchup = hub.subscribe(Optional.empty(), b::equals, events::add);
        install(a, 2);

        assertThat(catchup.items()).extracting(WatchEvent::tenant).containsExactly(b);
        assertThat(events).extracting(WatchEvent::tenant).containsExactly(a);
    }

    private void install(UUID tenant, long version) {
        cache.put(tenant, Snapshots.withMonitor(tenant, version, "eth"));
        hub.reconcile(tenant);
    }

    private void remove(UUID tenant) {
        cache.remove(tenant);
        hub.reconcile(tenant);
    }
}
