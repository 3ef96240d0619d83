package io.confwatch.model;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@code /status} shows of the listener. Nullable fields are null until the event first happens.
 *
 * @param state {@code connecting}, {@code listening}, {@code disconnected}, {@code closed}, or {@code refused} (its
 *     channel is not the one the database's triggers notify: see {@code lastError})
 * @param deafSince when the listener last stopped listening, while it is not listening
 */
public record ListenerStatus(
        String state,
        String channel,
        boolean connected,
        long reconnects,
        Instant lastNotificationAt,
        Instant lastProbeAt,
        Duration lastProbeRoundTrip,
        Instant deafSince,
        String lastError) {

    /** How long the listener has been deaf at {@code now}: zero while it listens. */
    public Duration deafFor(Instant now) {
        return deafSince == null || connected ? Duration.ZERO : Duration.between(deafSince, now);
    }
}
