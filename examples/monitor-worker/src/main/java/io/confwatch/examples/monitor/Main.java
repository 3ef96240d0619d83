package io.confwatch.examples.monitor;

import io.confwatch.config.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the worker until the JVM stops: the database from PGHOST… or CONFWATCH_DATABASE_URL as for ConfWatch itself,
 * one block a second on {@code ethereum_mainnet}, each alert logged.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        WorkerConfig config;
        try {
            config = WorkerConfig.fromSystemEnv();
        } catch (RuntimeException e) {
            System.err.println("monitor-worker: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        MeterRegistry registry = new SimpleMeterRegistry();
        MonitorWorker.deploy(vertx, config, registry, "ethereum_mainnet", 1_000, alert -> log.info(
                        "ALERT tenant {} monitor '{}' (config v{}): block {} transfer {} → {} value {}",
                        alert.tenant(),
                        alert.monitor(),
                        alert.configVersion(),
                        alert.block().height(),
                        alert.transfer().from(),
                        alert.transfer().to(),
                        alert.transfer().value()))
                .onSuccess(confWatch -> {
                    log.info("monitor-worker running: {} tenants", confWatch.size());
                    Runtime.getRuntime()
                            .addShutdownHook(new Thread(() -> {
                                confWatch.close();
                                vertx.close().await();
                            }));
                })
                .onFailure(error -> {
                    System.err.println("monitor-worker: cannot start: " + error.getMessage());
                    vertx.close();
                    System.exit(1);
                });
    }
}
