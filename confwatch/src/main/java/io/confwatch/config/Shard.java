package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which shard of the tenants this pod owns: shard {@code index} of {@code count}; {@link #NONE} owns all.
 *
 * @param index this pod's shard, {@code 0 ≤ index < count}
 * @param count number of shards, 1–{@value #MAX_COUNT}
 * @param scheme how tenants map to shards ({@code CONFWATCH_SHARD_SCHEME})
 */
public record Shard(int index, int count, ShardScheme scheme) {

    /** Largest shard count: ownership costs one hash per shard per tenant. */
    public static final int MAX_COUNT = 1024;

    /** Not sharded: one shard that owns every tenant. */
    public static final Shard NONE = new Shard(0, 1);

    private static final Pattern INDEX_OF_COUNT = Pattern.compile("([0-9]{1,9})/([0-9]{1,9})");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern ORDINAL_SUFFIX = Pattern.compile(".*-([0-9]{1,9})");

    /** Validates {@code 0 ≤ index < count ≤ MAX_COUNT}; failures name {@code CONFWATCH_SHARD}. */
    public Shard {
        requireNonNull(scheme, "scheme");
        if (count < 1 || count > MAX_COUNT) {
            throw ConfigException.of(
                    Setting.CONFWATCH_SHARD, index + "/" + count, "shard count must be between 1 and " + MAX_COUNT);
        }
        if (index < 0 || index >= count) {
            throw ConfigException.of(
                    Setting.CONFWATCH_SHARD, index + "/" + count, "shard index must be between 0 and " + (count - 1));
        }
    }

    /** Shard {@code index} of {@code count} by slot ({@link ShardScheme#SLOTS}), the default scheme. */
    public Shard(int index, int count) {
        this(index, count, ShardScheme.SLOTS);
    }

    /** This shard under {@code scheme}. */
    public Shard withScheme(ShardScheme scheme) {
        return new Shard(index, count, scheme);
    }

    /** Whether tenants are split across more than one shard. */
    public boolean isSharded() {
        return count > 1;
    }

    /** {@code index/count}, as {@code CONFWATCH_SHARD} spells it. */
    @Override
    public String toString() {
        return index + "/" + count;
    }

    /**
     * Parses {@code i/n}, or {@code n} alone with the index taken from {@code podName}'s ordinal suffix
     * ({@code confwatch-3} → 3); {@code podSource} names the variable the pod name came from.
     */
    static Shard parse(String text, Optional<String> podName, String podSource) {
        requireNonNull(text, "text");
        Matcher both = INDEX_OF_COUNT.matcher(text);
        if (both.matches()) {
            return new Shard(Integer.parseInt(both.group(1)), Integer.parseInt(both.group(2)));
        }
        if (!COUNT.matcher(text).matches()) {
            throw ConfigException.of(
                    Setting.CONFWATCH_SHARD, text, "expected i/n (e.g. 0/4) or n alone with a StatefulSet pod name");
        }
        int count = Integer.parseInt(text);
        if (count < 1 || count > MAX_COUNT) {
            throw ConfigException.of(Setting.CONFWATCH_SHARD, text, "shard count must be between 1 and " + MAX_COUNT);
        }
        Matcher ordinal = ORDINAL_SUFFIX.matcher(podName.orElse(""));
        if (!ordinal.matches()) {
            String seen = podName.map(name -> " (" + podSource + "=" + ConfigException.quote(name) + ")")
                    .orElse(" (both unset)");
            throw ConfigException.of(
                    Setting.CONFWATCH_SHARD,
                    text,
                    "no shard index: neither CONFWATCH_POD_NAME nor HOSTNAME ends in an ordinal like confwatch-3" + seen
                            + "; set CONFWATCH_SHARD=i/" + count + " instead");
        }
        int index = Integer.parseInt(ordinal.group(1));
        if (index >= count) {
            throw ConfigException.of(
                    Setting.CONFWATCH_SHARD,
                    text,
                    "pod ordinal " + index + " from " + podSource + "=" + ConfigException.quote(podName.get())
                            + " is not below the shard count " + count + " (scale the StatefulSet to at most "
                            + count + " replicas)");
        }
        return new Shard(index, count);
    }
}
