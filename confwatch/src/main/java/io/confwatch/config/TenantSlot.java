package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The slot a tenant falls in, 0 to {@value #COUNT} − 1: the Java twin of {@code confwatch.tenant_slot(uuid)}
 * ({@code sql/V8__tenant_slots.sql}), the low 14 bits of the first 32 bits of the MD5 of the id's text form. A sharded
 * worker owns whole slots (see {@link SlotOwnership}), so the database can filter its tenants with an index.
 *
 * <p>Part of the contract between the SQL and the worker, and between releases: it never changes (TenantSlotTest pins
 * both spellings on golden values and checks that they agree).
 */
public final class TenantSlot {
    /**
     * How many slots there are. 16384: at the largest shard count (1024) every shard still gets about 16 slots, at 100
     * shards about 164 (±8 %); a 2-shard pod's slot list is 8192 integers (32 KiB), sent with each owned-tenant query.
     */
    public static final int COUNT = 16384;

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    });

    private TenantSlot() {}

    /** The slot of {@code tenant}: the same number {@code confwatch.tenant_slot(tenant)} gives in PostgreSQL. */
    public static int of(UUID tenant) {
        requireNonNull(tenant, "tenant");
        // UUID.toString() is PostgreSQL's uuid::text: lower-case hex in 8-4-4-4-12 groups.
        byte[] digest = MD5.get().digest(tenant.toString().getBytes(StandardCharsets.US_ASCII));
        int first32 =
                (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
        return first32 & (COUNT - 1);
    }
}
