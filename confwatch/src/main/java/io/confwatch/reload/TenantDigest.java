package io.confwatch.reload;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
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
     * {@code tenantVersion} and its active entities' versions — the text {@link SnapshotLoader#DIGESTS} hashes: the
     * identity, a space, the tenant row's version, then for each entity in (kind, id) order its one-digit kind, its id
     * as lowercase text and its version. Fed to SHA-256 piece by piece, not built as one string: a start-up digests
     * every entity it reads (docs/benchmarks.md, "Start-up").
     */
    static TenantDigest ofVersions(String identity, String tenantVersion, List<Version> entities) {
        Version[] sorted = entities.toArray(Version[]::new);
        Arrays.sort(sorted, TEXT_ORDER);
        MessageDigest sha256 = sha256();
        byte[] scratch = new byte[64];
        update(sha256, scratch, identity);
        sha256.update((byte) ' ');
        update(sha256, scratch, tenantVersion);
        for (Version v : sorted) {
            if (v.kind() < 0 || v.kind() > 9) {
                throw new IllegalArgumentException("a kind is one digit, got " + v.kind());
            }
            sha256.update((byte) ('0' + v.kind()));
            sha256.update(uuidText(v.id(), scratch), 0, 36);
            update(sha256, scratch, v.version());
        }
        return of(sha256.digest());
    }

    /**
     * The order of the entities' text: by kind, then by id as lowercase text — the order of its 128 bits unsigned (the
     * text is their fixed-width hex), which {@link UUID#compareTo} (signed) is not.
     */
    private static final Comparator<Version> TEXT_ORDER = Comparator.comparingInt(Version::kind)
            .thenComparing(Version::id, (a, b) -> {
                int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
                return high != 0
                        ? high
                        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
            });

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** {@code id}'s lowercase text (as {@link UUID#toString}) in the first 36 bytes of {@code into}. */
    private static byte[] uuidText(UUID id, byte[] into) {
        int at = 0;
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                into[at++] = '-';
            }
            long bits = i < 16 ? id.getMostSignificantBits() : id.getLeastSignificantBits();
            into[at++] = HEX[(int) (bits >>> (60 - 4 * (i % 16))) & 0xf];
        }
        return into;
    }

    /** Feeds {@code text} as UTF-8: ASCII (all the loader's version and identity texts are) through {@code scratch}. */
    private static void update(MessageDigest sha256, byte[] scratch, String text) {
        int length = text.length();
        if (length > scratch.length) {
            sha256.update(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                sha256.update(text.getBytes(StandardCharsets.UTF_8));
                return;
            }
            scratch[i] = (byte) c;
        }
        sha256.update(scratch, 0, length);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
