package io.confwatch.reload;

import java.util.UUID;

/** A tenant's id and {@code config_version}, as the versioned sweep reads them. */
public record TenantVersion(UUID tenant, long version) {}
