package io.confwatch.model;

import java.time.Instant;
import java.util.UUID;

/** One monitor, filter or trigger as served: immutable, with its definition as the JSON object text it was stored as. */
public sealed interface ConfigEntity permits Monitor, Filter, Trigger {
    UUID id();

    String name();

    /** The definition, a JSON object, exactly as PostgreSQL rendered the {@code jsonb}. */
    String definition();

    Instant updatedAt();

    String updatedBy();

    EntityKind kind();
}
