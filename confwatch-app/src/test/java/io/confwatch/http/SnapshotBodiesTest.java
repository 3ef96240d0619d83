package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.model.TenantChange;
import io.confwatch.model.TenantSnapshot;
import io.confwatch.testing.Snapshots;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapshotBodiesTest {
    private final SnapshotBodies bodies = new SnapshotBodies();
    private final UUID tenant = UUID.randomUUID();

    @Test
    void of_sameSnapshotTwice_rendersOnce() {
        TenantSnapshot snapshot = Snapshots.withMonitor(tenant, 3, "eth");

        SnapshotBodies.Body first = bodies.of(snapshot);
        SnapshotBodies.Body second = bodies.of(snapshot);

        assertThat(second).isSameAs(first);
        assertThat(first.etag()).isEqualTo("\"3\"");
    }

    @Test
    void of_sameVersionOtherInstance_rendersTheNewContent() {
        bodies.of(Snapshots.withMonitor(tenant, 3, "before"));

        SnapshotBodies.Body rewritten = bodies.of(Snapshots.withMonitor(tenant, 3, "after"));

        assertThat(rewritten.json().toString()).contains("after").doesNotContain("before");
    }

    @Test
    void onChange_replaced_keepsTheBodyAsTheBaseAndRemovedDropsIt() {
        TenantSnapshot old = Snapshots.withMonitor(tenant, 3, "eth");
        TenantSnapshot current = Snapshots.withMonitor(tenant, 4, "eth");
        bodies.of(old);

        bodies.onChange(new TenantChange(tenant, Optional.of(old), Optional.of(current)));
        assertThat(bodies.size()).isEqualTo(1);
        assertThat(bodies.of(current).json().toString()).contains("\"version\":4");

        bodies.onChange(new TenantChange(tenant, Optional.of(current), Optional.empty()));
        assertThat(bodies.size()).isZero();
    }

    @Test
    void of_olderSnapshotRenderedLast_keepsTheNewerBody() {
        TenantSnapshot newer = Snapshots.withMonitor(tenant, 5, "eth");
        SnapshotBodies.Body held = bodies.of(newer);

        bodies.of(Snapshots.withMonitor(tenant, 4, "eth"));

        assertThat(bodies.of(newer)).isSameAs(held);
    }

    @Test
    void close_afterwards_holdsNothing() {
        bodies.of(Snapshots.withMonitor(tenant, 1, "eth"));

        bodies.close();
        SnapshotBodies.Body body = bodies.of(Snapshots.withMonitor(tenant, 2, "eth"));

        assertThat(bodies.size()).isZero();
        assertThat(body.json().toString()).contains("\"version\":2");
    }
}
