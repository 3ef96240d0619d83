package io.confwatch.bench;

import io.confwatch.ConfWatch;
import io.confwatch.metrics.ConfWatchMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The worker's own reload counters and timer, for a scenario's detail line: what its loads were and cost. */
public final class ReloadDigest {
    private ReloadDigest() {}

    /** {@code cause/outcome=count …; reload time mean … max …}, from {@link ConfWatch#meterRegistry()}. */
    public static String of(ConfWatch confWatch) {
        TreeMap<String, Long> counts = new TreeMap<>();
        for (Counter counter :
                confWatch.meterRegistry().find(ConfWatchMetrics.RELOADS).counters()) {
            String key = counter.getId().getTags().stream().map(Tag::getValue).collect(Collectors.joining("/"));
            counts.merge(key, (long) counter.count(), Long::sum);
        }
        StringBuilder text = new StringBuilder("worker reloads ").append(counts);
        for (Timer timer :
                confWatch.meterRegistry().find(ConfWatchMetrics.RELOAD_DURATION).timers()) {
            text.append(String.format(
                    Locale.ROOT,
                    "; %s %d loads mean %.2f max %.2f ms",
                    timer.getId().getTags().stream().map(Tag::getValue).collect(Collectors.joining("/")),
                    timer.count(),
                    timer.mean(TimeUnit.MILLISECONDS),
                    timer.max(TimeUnit.MILLISECONDS)));
        }
        return text.toString();
    }
}
