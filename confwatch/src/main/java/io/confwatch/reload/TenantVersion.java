package io.confwatch.reload;

import java.time.Instant;
import java.util.UUID;

/** A tenant's id, {@code config_version} and {@code changed_at}, as the versioned sweep reads them. */
public record TenantVersion(UUID tenant, long version, Instant changedAt) {}
