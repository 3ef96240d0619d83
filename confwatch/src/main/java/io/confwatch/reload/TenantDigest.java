package io.confwatch.reload;

import java.nio.ByteBuffer;

/**
 * The first 128 bits of a tenant's SHA-256 digest as computed in SQL ({@link SnapshotLoader}): over the server's
 * identity and everything a whole read of the tenant returns (its row and every active entity's id, name, definition,
 * stamps), so that equal digests mean a whole read now would return what it returned then. Two longs, not the hex text:
 * a million of them cost 16 MB, not 100.
 */
record TenantDigest(long high, long low) {
    /** The digest from the first 16 bytes of {@code sha256}. */
    static TenantDigest of(byte[] sha256) {
        if (sha256.length < 16) {
            throw new IllegalArgumentException("a digest needs 16 bytes, got " + sha256.length);
        }
        ByteBuffer bytes = ByteBuffer.wrap(sha256);
        return new TenantDigest(bytes.getLong(), bytes.getLong());
    }
}
