package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/** A monitor of a tenant. */
public record Monitor(UUID id, String name, String definition, Instant updatedAt, String updatedBy)
        implements ConfigEntity {
    /** Requires every component; {@code definition} is the JSON object text. */
    public Monitor {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(definition, "definition");
        requireNonNull(updatedAt, "updatedAt");
        requireNonNull(updatedBy, "updatedBy");
    }

    @Override
    public EntityKind kind() {
        return EntityKind.MONITOR;
    }
}
