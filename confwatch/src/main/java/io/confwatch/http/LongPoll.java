package io.confwatch.http;

import io.confwatch.config.Durations;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ?minVersion=N&wait=5s} of a snapshot request: answer once the held version is at least {@code minVersion},
 * waiting at most {@code wait} (capped at {@link #MAX_WAIT}). {@code minVersion} alone waits for nothing: the answer says
 * at once whether what is held is that new.
 *
 * @param minVersion the version the client needs, at least 0
 * @param maxWait how long to wait for it, between zero and {@link #MAX_WAIT}
 */
record LongPoll(long minVersion, Duration maxWait) {
    /** Longest wait granted; longer requests are shortened to it (proxies commonly cut idle requests at 60 s). */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    static final String MIN_VERSION = "minVersion";
    static final String WAIT = "wait";

    /** A query parameter that cannot be used; the message names it and says why. */
    static final class BadParameter extends RuntimeException {
        BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@code version} satisfies this poll. */
    boolean isSatisfiedBy(long version) {
        return version >= minVersion;
    }

    /** Reads the poll from a query; empty when it has neither parameter. Throws {@link BadParameter}. */
    static Optional<LongPoll> from(MultiMap query) {
        Optional<String> minVersion = single(query, MIN_VERSION);
        Optional<String> wait = single(query, WAIT);
        if (minVersion.isEmpty()) {
            if (wait.isPresent()) {
                throw new BadParameter("wait needs minVersion: wait for which version? (e.g. ?minVersion=7&wait=5s)");
            }
            return Optional.empty();
        }
        return Optional.of(new LongPoll(
                version(minVersion.get()), wait.map(LongPoll::duration).orElse(Duration.ZERO)));
    }

    private static Optional<String> single(MultiMap query, String name) {
        List<String> values = query.getAll(name);
        if (values.size() > 1) {
            throw new BadParameter(name + " is given more than once");
        }
        return values.stream().findFirst();
    }

    private static long version(String text) {
        boolean digits = !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits) {
            throw new BadParameter("minVersion must be a non-negative integer (a tenant's config_version)");
        }
        return Long.parseLong(text);
    }

    private static Duration duration(String text) {
        Duration wait;
        try {
            wait = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("wait: " + e.getMessage());
        }
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }
}
