package io.confwatch.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what ConfWatch logs while open, for tests that assert on log lines. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts collecting every event of the {@code io.confwatch} loggers. */
    public static LogCapture confWatch() {
        return new LogCapture((Logger) LoggerFactory.getLogger("io.confwatch"));
    }

    /** The formatted messages logged so far at {@code level} or above. */
    public List<String> messagesAtLeast(Level level) {
        synchronized (appender) {
            return appender.list.stream()
                    .filter(event -> event.getLevel().isGreaterOrEqual(level))
                    .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage())
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
