package io.confwatch.listen;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the listener listens and proves it is not deaf.
 *
 * @param channel the LISTEN channel, a plain lower-case identifier
 * @param workerId this worker's name in self-probe payloads
 * @param heartbeatInterval how often a cheap query checks the listener connection
 * @param probeInterval how often the worker NOTIFYs itself
 * @param probeTimeout silence after a probe past which the listener counts as deaf
 * @param queryTimeout bound on LISTEN, heartbeat and probe statements
 * @param reconnectMinBackoff first reconnect delay
 * @param reconnectMaxBackoff cap of the doubling reconnect delay
 */
public record ListenerSettings(
        String channel,
        String workerId,
        Duration heartbeatInterval,
        Duration probeInterval,
        Duration probeTimeout,
        Duration queryTimeout,
        Duration reconnectMinBackoff,
        Duration reconnectMaxBackoff) {
    public ListenerSettings {
        requireNonNull(channel, "channel");
        requireNonNull(workerId, "workerId");
        if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("channel must be a plain lower-case identifier: " + channel);
        }
    }
}
