package io.confwatch.reload;

import static java.util.Objects.requireNonNull;

import io.confwatch.model.EntityKind;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Rows as read from the config tables, before validation; the loader's output and the assembler's input. */
final class TenantRows {
    private TenantRows() {}

    /**
     * A {@code confwatch.tenants} row, and {@code server}: the start time of the server that answered the read (a
     * database can go back in time only across a server start: a restore, a failover).
     */
    record Tenant(UUID id, String name, String status, long version, Instant changedAt, String server) {
        Tenant {
            requireNonNull(id, "id");
            requireNonNull(name, "name");
            requireNonNull(status, "status");
            requireNonNull(changedAt, "changedAt");
            requireNonNull(server, "server");
        }
    }

    /** An active monitor, filter or trigger row; {@code monitorId} only for filters. */
    record Entity(
            EntityKind kind,
            UUID id,
            UUID tenant,
            String name,
            String definition,
            Instant updatedAt,
            String updatedBy,
            UUID monitorId) {}

    /**
     * One tenant's row and all its active entities, read in one statement; {@code versions}: the versions of exactly
     * these rows on the server that returned them, null when not known.
     */
    record Whole(Tenant tenant, List<Entity> entities, TenantDigest.Versions versions) {
        Whole {
            entities = List.copyOf(entities);
        }

        /** Rows whose versions are not known. */
        Whole(Tenant tenant, List<Entity> entities) {
            this(tenant, entities, null);
        }

        /**
         * The digest of these row versions ({@link TenantDigest#ofVersions}), computed now (a sort and a SHA-256: call
         * it once, off the event loop where it can be); null when the versions are not known.
         */
        TenantDigest digest() {
            return versions == null ? null : versions.digest();
        }
    }

    /**
     * What changed after {@code sinceVersion}: the tenant row now (null when the tenant is gone), the active rows of the
     * changed entities, the ids of every changed entity (those without an active row were deleted or deactivated), how
     * many distinct versions after {@code sinceVersion} the change log holds, and how many of its rows after it are
     * the tenant row's own INSERT or DELETE (a replaced tenant).
     */
    record Delta(
            Tenant tenant,
            List<Entity> activeRows,
            Set<UUID> changedIds,
            long sinceVersion,
            long versionsLogged,
            long tenantRowsReplaced) {
        Delta {
            activeRows = List.copyOf(activeRows);
            changedIds = Set.copyOf(changedIds);
        }

        /** What the change log says, for the planner to judge; {@code heldServer}: the held snapshot's server. */
        ReadPlanner.LogFacts facts(String heldServer) {
            return new ReadPlanner.LogFacts(
                    tenant != null,
                    tenant == null ? -1 : tenant.version(),
                    versionsLogged,
                    changedIds.size(),
                    tenantRowsReplaced,
                    tenant != null && tenant.server().equals(heldServer));
        }
    }
}
