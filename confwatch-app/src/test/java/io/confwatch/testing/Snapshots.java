package io.confwatch.testing;

import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Small snapshots for unit tests. */
public final class Snapshots {
    private Snapshots() {}

    /** A snapshot of {@code tenant} at {@code version} with one monitor whose network is {@code network}. */
    public static TenantSnapshot withMonitor(UUID tenant, long version, String network) {
        Monitor monitor =
                new Monitor(new UUID(0, 1), "m1", "{\"networks\": [\"" + network + "\"]}", Instant.EPOCH, "test");
        return new TenantSnapshot(
                tenant,
                "t",
                "active",
                version,
                Instant.EPOCH,
                Instant.now(),
                List.of(monitor),
                List.of(),
                List.of(),
                List.of());
    }
}
