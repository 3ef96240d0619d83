package io.confwatch.http;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code GET /watch} event id: which hub issued it (a random id per API start, so another pod's or an earlier run's
 * cursor never matches) and the hub's change sequence number through which the client has everything. Opaque to
 * clients; spelled {@code <instance>-<seq>}.
 */
record WatchCursor(String instance, long seq) {
    private static final Pattern SPELLING = Pattern.compile("([0-9a-f]{16})-([0-9]{1,18})");

    WatchCursor {
        if (!Pattern.matches("[0-9a-f]{16}", instance) || seq < 0) {
            throw new IllegalArgumentException("not a cursor: " + instance + "-" + seq);
        }
    }

    /** The cursor {@code text} spells, or empty when it is not one (a client's guess, a truncated header). */
    static Optional<WatchCursor> parse(String text) {
        var matcher = SPELLING.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new WatchCursor(matcher.group(1), Long.parseLong(matcher.group(2))));
    }

    @Override
    public String toString() {
        return instance + "-" + seq;
    }
}
