package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/** A filter of a tenant; {@code monitorId} is null when the filter applies to every monitor. */
public record Filter(UUID id, String name, String definition, Instant updatedAt, String updatedBy, UUID monitorId)
        implements ConfigEntity {
    /** Requires every component; {@code definition} is the JSON object text. */
    public Filter {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(definition, "definition");
        requireNonNull(updatedAt, "updatedAt");
        requireNonNull(updatedBy, "updatedBy");
    }

    @Override
    public EntityKind kind() {
        return EntityKind.FILTER;
    }
}
