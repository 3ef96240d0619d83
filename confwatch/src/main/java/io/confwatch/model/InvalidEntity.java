package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** An entity the worker refused to serve, and why; shown in {@code /status}. */
public record InvalidEntity(UUID tenant, EntityKind kind, UUID id, String name, String reason) {
    /** Requires every component; {@code name} and {@code reason} as shown in {@code /status}. */
    public InvalidEntity {
        requireNonNull(tenant, "tenant");
        requireNonNull(kind, "kind");
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(reason, "reason");
    }
}
