package io.confwatch.http;

import io.confwatch.config.HttpSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * The requests an API holds open — {@code GET /watch} streams and snapshot long polls — with their bounds and meters,
 * shared by every event loop of one API. {@code /status} and {@code /metrics} show the same figures.
 */
final class HeldRequests {
    static final String WATCH_STREAMS = "confwatch.watch.streams";
    static final String WATCH_EVENTS = "confwatch.watch.events";
    static final String WATCH_CUT_OFF = "confwatch.watch.cut.off";
    static final String WATCH_REJECTED = "confwatch.watch.rejected";
    static final String WATCH_RESETS = "confwatch.watch.resets";
    static final String LONG_POLLS_REJECTED = "confwatch.http.long.polls.rejected";

    final Admission watchStreams;
    final Admission longPolls;
    final int watchBufferBytes;
    final Counter watchCutOff;
    final Counter watchRejected;
    final Counter watchResets;
    final Counter longPollsRejected;
    private final Map<String, Counter> eventsSent = new HashMap<>();

    HeldRequests(HttpSettings settings, MeterRegistry registry) {
        this.watchStreams = new Admission(settings.maxWatchStreams());
        this.longPolls = new Admission(settings.maxLongPolls());
        this.watchBufferBytes = settings.watchBufferBytes();
        Gauge.builder(WATCH_STREAMS, watchStreams, Admission::held)
                .description("Open GET /watch streams")
                .register(registry);
        this.watchCutOff = Counter.builder(WATCH_CUT_OFF)
                .description("GET /watch consumers cut off because they let their buffer fill")
                .register(registry);
        this.watchRejected = Counter.builder(WATCH_REJECTED)
                .description("GET /watch requests refused (503) because CONFWATCH_WATCH_MAX_STREAMS were open")
                .register(registry);
        this.watchResets = Counter.builder(WATCH_RESETS)
                .description("GET /watch resumes whose cursor could not be honoured (event: reset, then everything)")
                .register(registry);
        this.longPollsRejected = Counter.builder(LONG_POLLS_REJECTED)
                .description("Snapshot long polls refused (503) because CONFWATCH_MAX_LONG_POLLS were waiting")
                .register(registry);
        for (String type : SseEvents.TYPES) {
            eventsSent.put(
                    type,
                    Counter.builder(WATCH_EVENTS)
                            .description("Events sent on GET /watch streams, by type")
                            .tag("event", type)
                            .register(registry));
        }
    }

    /** Counts one event of {@code type} (one of {@link SseEvents#TYPES}) sent on a watch stream. */
    void sent(String type) {
        Counter counter = eventsSent.get(type);
        if (counter == null) {
            throw new IllegalArgumentException("not a watch event type: " + type);
        }
        counter.increment();
    }

    /** Events sent on watch streams so far, of every type. */
    double eventsSent() {
        return eventsSent.values().stream().mapToDouble(Counter::count).sum();
    }
}
