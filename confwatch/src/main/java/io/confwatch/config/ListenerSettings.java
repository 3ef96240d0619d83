package io.confwatch.config;

import static io.confwatch.config.Setting.CONFWATCH_CHANNEL;
import static io.confwatch.config.Setting.CONFWATCH_HEARTBEAT_INTERVAL;
import static io.confwatch.config.Setting.CONFWATCH_HEARTBEAT_TIMEOUT;
import static io.confwatch.config.Setting.CONFWATCH_PROBE_INTERVAL;
import static io.confwatch.config.Setting.CONFWATCH_PROBE_TIMEOUT;
import static io.confwatch.config.Setting.CONFWATCH_RECONNECT_MAX_BACKOFF;
import static io.confwatch.config.Setting.CONFWATCH_RECONNECT_MIN_BACKOFF;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The LISTEN connection: channel, liveness checks and reconnect backoff.
 *
 * @param channel notification channel, a plain lower-case identifier ({@code CONFWATCH_CHANNEL})
 * @param heartbeatInterval how often a cheap query runs on the connection ({@code CONFWATCH_HEARTBEAT_INTERVAL})
 * @param heartbeatTimeout how long that query may go unanswered ({@code CONFWATCH_HEARTBEAT_TIMEOUT})
 * @param probeInterval how often the worker NOTIFYs itself ({@code CONFWATCH_PROBE_INTERVAL})
 * @param probeTimeout silence after a probe that means deaf, below the interval ({@code CONFWATCH_PROBE_TIMEOUT})
 * @param reconnectMinBackoff first reconnect delay ({@code CONFWATCH_RECONNECT_MIN_BACKOFF})
 * @param reconnectMaxBackoff reconnect delay cap, at least the minimum ({@code CONFWATCH_RECONNECT_MAX_BACKOFF})
 */
public record ListenerSettings(
        String channel,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        Duration probeInterval,
        Duration probeTimeout,
        Duration reconnectMinBackoff,
        Duration reconnectMaxBackoff) {

    /** A channel name that is safe unquoted in {@code LISTEN} and equal to itself after case folding. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Validates the channel, positive durations, probe timeout below interval and min ≤ max backoff. */
    public ListenerSettings {
        requireNonNull(channel, "channel");
        if (!CHANNEL.matcher(channel).matches()) {
            throw ConfigException.of(
                    CONFWATCH_CHANNEL,
                    channel,
                    "must be a lower-case PostgreSQL identifier: [a-z_][a-z0-9_]*, at most 63 characters");
        }
        Check.positive(CONFWATCH_HEARTBEAT_INTERVAL, heartbeatInterval);
        Check.positive(CONFWATCH_HEARTBEAT_TIMEOUT, heartbeatTimeout);
        Check.positive(CONFWATCH_PROBE_INTERVAL, probeInterval);
        Check.positive(CONFWATCH_PROBE_TIMEOUT, probeTimeout);
        Check.below(CONFWATCH_PROBE_TIMEOUT, probeTimeout, CONFWATCH_PROBE_INTERVAL, probeInterval);
        Check.positive(CONFWATCH_RECONNECT_MIN_BACKOFF, reconnectMinBackoff);
        Check.positive(CONFWATCH_RECONNECT_MAX_BACKOFF, reconnectMaxBackoff);
        Check.notAbove(
                CONFWATCH_RECONNECT_MIN_BACKOFF,
                reconnectMinBackoff,
                CONFWATCH_RECONNECT_MAX_BACKOFF,
                reconnectMaxBackoff);
    }

    /** The reconnect delays as one value. */
    public Backoff reconnectBackoff() {
        return new Backoff(reconnectMinBackoff, reconnectMaxBackoff);
    }

    /** These settings on {@code channel}. */
    public ListenerSettings withChannel(String channel) {
        return new ListenerSettings(
                channel,
                heartbeatInterval,
                heartbeatTimeout,
                probeInterval,
                probeTimeout,
                reconnectMinBackoff,
                reconnectMaxBackoff);
    }

    /** These settings with a heartbeat every {@code heartbeatInterval}, answered within {@code heartbeatTimeout}. */
    public ListenerSettings withHeartbeat(Duration heartbeatInterval, Duration heartbeatTimeout) {
        return new ListenerSettings(
                channel,
                heartbeatInterval,
                heartbeatTimeout,
                probeInterval,
                probeTimeout,
                reconnectMinBackoff,
                reconnectMaxBackoff);
    }

    /** These settings with a self-probe every {@code probeInterval}, answered within {@code probeTimeout}. */
    public ListenerSettings withProbe(Duration probeInterval, Duration probeTimeout) {
        return new ListenerSettings(
                channel,
                heartbeatInterval,
                heartbeatTimeout,
                probeInterval,
                probeTimeout,
                reconnectMinBackoff,
                reconnectMaxBackoff);
    }

    /** These settings with reconnect delays from {@code min} doubling up to {@code max}. */
    public ListenerSettings withReconnectBackoff(Duration min, Duration max) {
        return new ListenerSettings(
                channel, heartbeatInterval, heartbeatTimeout, probeInterval, probeTimeout, min, max);
    }

    /** Reads the listener settings. */
    static ListenerSettings read(Env env) {
        return new ListenerSettings(
                env.text(CONFWATCH_CHANNEL),
                env.duration(CONFWATCH_HEARTBEAT_INTERVAL),
                env.duration(CONFWATCH_HEARTBEAT_TIMEOUT),
                env.duration(CONFWATCH_PROBE_INTERVAL),
                env.duration(CONFWATCH_PROBE_TIMEOUT),
                env.duration(CONFWATCH_RECONNECT_MIN_BACKOFF),
                env.duration(CONFWATCH_RECONNECT_MAX_BACKOFF));
    }
}
