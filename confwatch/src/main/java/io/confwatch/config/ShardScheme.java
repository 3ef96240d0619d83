package io.confwatch.config;

import java.util.Locale;

/**
 * How tenants map to shards ({@code CONFWATCH_SHARD_SCHEME}): by slot (this release on), or the union of the slot
 * scheme and the previous releases' per-tenant rendezvous hashing, for the one rolling update between them.
 */
public enum ShardScheme {
    /** A shard owns the tenants of its slots ({@link SlotOwnership}); the database filters them. */
    SLOTS,
    /**
     * A shard owns the tenants of its slots and the tenants the previous scheme ({@link ShardOwnership}) gave it, read
     * whole and filtered in Java: pods of the previous release and of this one then hold every tenant between them
     * throughout a rolling update (docs/operations.md, "Changing the sharding scheme").
     */
    BOTH;

    /** The setting's spelling: {@code slots} or {@code both}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ShardScheme parse(String text) {
        for (ShardScheme scheme : values()) {
            if (scheme.wireName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return scheme;
            }
        }
        throw ConfigException.of(Setting.CONFWATCH_SHARD_SCHEME, text, "expected slots or both");
    }
}
