package io.confwatch.examples.monitor;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import io.confwatch.model.Definitions;
import io.confwatch.model.EntityKind;
import io.confwatch.model.Monitor;
import io.confwatch.model.TenantSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitoring worker as a team would write it: ConfWatch deployed into its own Vert.x keeps every tenant's monitors
 * live, and a verticle evaluates each tenant's active monitors against every new block with the rules held at that
 * moment, so a changed monitor applies from the next block on.
 */
public final class MonitorWorker extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(MonitorWorker.class);

    private final ConfWatch confWatch;
    private final String network;
    private final long blockIntervalMillis;
    private final Consumer<Alert> alerts;
    private final Counter blocks;
    private long height;
    private long timer = -1;

    private MonitorWorker(
            ConfWatch confWatch,
            String network,
            long blockIntervalMillis,
            Consumer<Alert> alerts,
            MeterRegistry registry) {
        this.confWatch = confWatch;
        this.network = network;
        this.blockIntervalMillis = blockIntervalMillis;
        this.alerts = alerts;
        this.blocks = registry.counter("monitor.worker.blocks");
    }

    /** The types ConfWatch decodes monitors into, and the rule a monitor must pass to be served. */
    public static Definitions definitions() {
        return Definitions.builder()
                .register(EntityKind.MONITOR, MonitorRule.class, MonitorRule::problem)
                .build();
    }

    /**
     * Deploys ConfWatch, then the block loop, into {@code vertx}; completes with the ConfWatch handle once both run.
     * Fails, with nothing left deployed, when ConfWatch cannot start (its message says why in one line).
     */
    public static Future<ConfWatch> deploy(
            Vertx vertx,
            WorkerConfig config,
            MeterRegistry registry,
            String network,
            long blockIntervalMillis,
            Consumer<Alert> alerts) {
        return ConfWatch.deploy(vertx, config, registry, definitions()).compose(confWatch -> {
            confWatch.addListener(change -> change.current()
                    .ifPresent(snapshot -> log.info(
                            "tenant {} now at version {}: {} monitors",
                            snapshot.name(),
                            snapshot.version(),
                            snapshot.monitors().size())));
            return vertx.deployVerticle(
                            new MonitorWorker(confWatch, network, blockIntervalMillis, alerts, registry))
                    .map(id -> confWatch)
                    .recover(error -> confWatch.closeAsync().transform(v -> Future.failedFuture(error)));
        });
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(blockIntervalMillis, id -> evaluate(Block.synthetic(network, ++height)));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** Every tenant's active monitors against one block: reads only the snapshots held now, never the database. */
    private void evaluate(Block block) {
        blocks.increment();
        for (TenantSnapshot tenant : confWatch.tenants()) {
            if (!tenant.status().equals("active")) {
                continue;
            }
            List<Monitor> monitors = tenant.monitors();
            for (Monitor monitor : monitors) {
                tenant.typed(monitor, MonitorRule.class).ifPresent(rule -> {
                    for (Block.Transfer transfer : block.transfers()) {
                        if (rule.matches(block.network(), transfer)) {
                            alerts.accept(
                                    new Alert(tenant.tenant(), monitor.name(), tenant.version(), rule, block, transfer));
                        }
                    }
                });
            }
        }
    }
}
