package io.confwatch.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into one graceful shutdown that exits 0. A JVM shutdown hook cannot choose the exit status
 * (a JVM killed by SIGTERM exits 143), and Kubernetes reads a non-zero status as a crash; so the signals are handled.
 */
final class ShutdownSignals {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {}

    /** On SIGTERM or SIGINT, runs {@code shutdown} once on its own thread, then exits with 0 (1 if it threw). */
    static void onSignal(Runnable shutdown) {
        AtomicBoolean started = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (!started.compareAndSet(false, true)) {
                    return;
                }
                Thread thread = new Thread(
                        () -> {
                            int code = Cli.OK;
                            try {
                                log.info("SIG{} received: shutting down", signal.getName());
                                shutdown.run();
                            } catch (RuntimeException e) {
                                log.error("Shutdown failed", e);
                                code = Cli.FAILURE;
                            }
                            System.exit(code);
                        },
                        "confwatch-shutdown");
                // Not a daemon (the signal thread is one): the JVM must wait for the shutdown to finish.
                thread.setDaemon(false);
                thread.start();
            });
        }
    }
}
