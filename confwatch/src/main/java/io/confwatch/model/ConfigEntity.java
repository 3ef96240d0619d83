package io.confwatch.model;

import java.time.Instant;
import java.util.UUID;

/** One monitor, filter or trigger as served: immutable, with its definition as the JSON object text it was stored as. */
public sealed interface ConfigEntity permits Monitor, Filter, Trigger {
    /** The entity's id, stable across versions. */
    UUID id();

    /** Its name, unique among the tenant's entities of its kind. */
    String name();

    /** The definition, a JSON object, exactly as PostgreSQL rendered the {@code jsonb}. */
    String definition();

    /** When it last changed. */
    Instant updatedAt();

    /** Who changed it last, as the writer recorded it. */
    String updatedBy();

    /** Monitor, filter or trigger. */
    EntityKind kind();
}
