package io.confwatch.reload;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The first 128 bits of a tenant's SHA-256 digest: over the server's identity and the versions of the rows a whole read
 * of the tenant returns (its {@code confwatch.tenants} row and every active entity row: {@code xmin} and {@code ctid},
 * {@link SnapshotLoader#version}), so that equal digests mean the database holds the very row versions it held then,
 * on the same server — and a whole read now would return what it returned then. Computed in SQL for a full reload
 * ({@link SnapshotLoader#DIGESTS}) and here from a whole read's rows ({@link #ofVersions}), over the same text. Two
 * longs, not the hex text: a million of them cost 16 MB, not 100.
 */
record TenantDigest(long high, long low) {
    /** One active entity row's kind (as the loader's kind column: 1 monitor, 2 filter, 3 trigger), id and version. */
    record Version(int kind, UUID id, String version) {}

    /**
     * What a whole read returned to make its digest from: the server's identity, the tenant row's version and its
     * active entities' versions. The digest is computed only when asked ({@link #digest()}: a sort and a SHA-256): most
     * whole reads (a hint's) never record it.
     */
    record Versions(String identity, String tenant, List<Version> entities) {
        Versions {
            entities = List.copyOf(entities);
        }

        TenantDigest digest() {
            return ofVersions(identity, tenant, entities);
        }
    }

    /** The digest from the first 16 bytes of {@code sha256}. */
    static TenantDigest of(byte[] sha256) {
        if (sha256.length < 16) {
            throw new IllegalArgumentException("a digest needs 16 bytes, got " + sha256.length);
        }
        ByteBuffer bytes = ByteBuffer.wrap(sha256);
        return new TenantDigest(bytes.getLong(), bytes.getLong());
    }

    /**
     * The digest of a whole read: {@code identity} ({@link SnapshotLoader#IDENTITY}), the tenant row's
     * {@code tenantVersion} and its active entities' versions — the text {@link SnapshotLoader#DIGESTS} hashes.
     */
    static TenantDigest ofVersions(String identity, String tenantVersion, List<Version> entities) {
        // Each entity's text begins with its one-digit kind and its fixed-width id, unique per tenant: text order is
        // the SQL's (kind, id) order (uuid order is the order of its lowercase text).
        String[] parts = new String[entities.size()];
        int length = identity.length() + 1 + tenantVersion.length();
        for (int i = 0; i < parts.length; i++) {
            Version v = entities.get(i);
            parts[i] = v.kind() + v.id().toString() + v.version();
            length += parts[i].length();
        }
        Arrays.sort(parts);
        StringBuilder text =
                new StringBuilder(length).append(identity).append(' ').append(tenantVersion);
        for (String part : parts) {
            text.append(part);
        }
        try {
            return of(
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
