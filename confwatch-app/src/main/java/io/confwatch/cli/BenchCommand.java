package io.confwatch.cli;

import io.confwatch.bench.BenchOptions;
import io.confwatch.bench.BenchRunner;
import io.confwatch.bench.ResultRow;
import io.confwatch.bench.Verdict;
import io.confwatch.config.Durations;
import io.confwatch.config.WorkerConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench}: runs the benchmark scenarios, each beside its baseline measured in the same run, and prints the table.
 * Exits 0 when every scenario ran (whatever the verdicts), 1 when one failed to run.
 */
final class BenchCommand implements Cli.Command {
    @Override
    public int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err) {
        BenchOptions bench = parse(options);
        List<ResultRow> rows = BenchRunner.run(bench, config, out);
        boolean failed = rows.stream()
                .anyMatch(r -> r.verdict() == Verdict.MISS && r.ours().startsWith("failed"));
        if (failed) {
            err.println("confwatch bench: a scenario failed to run; see its row");
            return Cli.FAILURE;
        }
        return Cli.OK;
    }

    static BenchOptions parse(List<String> options) {
        BenchOptions d = BenchOptions.defaults();
        List<String> scenarios = d.scenarios();
        int samples = d.samples();
        int warmup = d.warmup();
        int big = d.bigTenantEntities();
        int tenants = d.tenants();
        int entities = d.entitiesPerTenant();
        Duration duration = d.duration();
        int floodTenants = d.floodTenants();
        int hints = d.hintsPerSecond();
        List<Integer> clients = d.clients();
        int httpTenants = d.httpTenants();
        int httpEntities = d.httpEntities();
        int connections = d.connections();
        int httpRate = d.httpRate();
        int runs = d.runs();
        String jvmOptions = d.jvmOptions();
        String baselineJar = d.baselineJar();
        String baselineJvmOptions = d.baselineJvmOptions();
        String shard = d.shard();
        int capacityTenants = d.capacityTenants();
        int capacityEntities = d.capacityEntities();
        int changes = d.changes();
        String capacityJson = d.capacityJson();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (i + 1 >= options.size()) {
                throw new Cli.UsageException(option + " needs a value");
            }
            String value = options.get(++i);
            switch (option) {
                case "--scenarios" -> {
                    scenarios = Arrays.asList(value.split(","));
                    for (String s : scenarios) {
                        if (!BenchRunner.exists(s)) {
                            throw new Cli.UsageException("unknown scenario '" + s + "'");
                        }
                    }
                }
                case "--samples" -> samples = positive(option, value);
                case "--warmup" -> warmup = nonNegative(option, value);
                case "--big-tenant" -> big = positive(option, value);
                case "--tenants" -> tenants = positive(option, value);
                case "--entities" -> entities = positive(option, value);
                case "--flood-tenants" -> floodTenants = positive(option, value);
                case "--hints-per-second" -> hints = positive(option, value);
                case "--http-tenants" -> httpTenants = positive(option, value);
                case "--http-entities" -> httpEntities = positive(option, value);
                case "--connections" -> connections = positive(option, value);
                case "--http-rate" -> httpRate = nonNegative(option, value);
                case "--runs" -> runs = positive(option, value);
                case "--jvm-options" -> jvmOptions = value;
                case "--baseline-jar" -> {
                    if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(value))) {
                        throw new Cli.UsageException("--baseline-jar '" + value + "' is not a file");
                    }
                    baselineJar = value;
                }
                case "--baseline-jvm-options" -> baselineJvmOptions = value;
                case "--shard" -> {
                    java.util.regex.Matcher parts = java.util.regex.Pattern.compile("([0-9]{1,4})/([0-9]{1,4})")
                            .matcher(value);
                    if (!parts.matches()) {
                        throw new Cli.UsageException("--shard needs i/n, e.g. 0/4, not '" + value + "'");
                    }
                    try {
                        new io.confwatch.config.Shard(
                                Integer.parseInt(parts.group(1)), Integer.parseInt(parts.group(2)));
                    } catch (RuntimeException e) {
                        throw new Cli.UsageException("--shard '" + value + "': " + e.getMessage());
                    }
                    shard = value;
                }
                case "--capacity-tenants" -> capacityTenants = positive(option, value);
                case "--capacity-entities" -> capacityEntities = positive(option, value);
                case "--changes" -> changes = positive(option, value);
                case "--capacity-json" -> capacityJson = value;
                case "--duration" -> {
                    try {
                        duration = Durations.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new Cli.UsageException("--duration '" + value + "': " + e.getMessage());
                    }
                    if (duration.toMillis() < 100) {
                        throw new Cli.UsageException("--duration must be at least 100ms, not '" + value + "'");
                    }
                }
                case "--clients" -> {
                    List<Integer> parsed = new ArrayList<>();
                    for (String c : value.split(",")) {
                        parsed.add(positive(option, c));
                    }
                    clients = parsed;
                }
                default -> throw new Cli.UsageException("unknown option '" + option + "'");
            }
        }
        return new BenchOptions(
                scenarios,
                samples,
                warmup,
                big,
                tenants,
                entities,
                duration,
                floodTenants,
                hints,
                clients,
                httpTenants,
                httpEntities,
                connections,
                httpRate,
                runs,
                jvmOptions,
                baselineJar,
                baselineJvmOptions,
                shard,
                capacityTenants,
                capacityEntities,
                changes,
                capacityJson);
    }

    private static int nonNegative(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new Cli.UsageException(option + " needs a number of 0 or more, not '" + value + "'");
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new Cli.UsageException(option + " needs a positive number, not '" + value + "'");
    }

    @Override
    public String help() {
        return """
                Usage: java -jar confwatch.jar bench [--scenarios a,b] [--samples N] [--warmup N]
                                                     [--big-tenant N]
                                                     [--tenants N] [--entities M] [--duration 5s]
                                                     [--flood-tenants N] [--hints-per-second N] [--clients 1,16]
                                                     [--http-tenants N] [--http-entities M] [--connections C]
                                                     [--http-rate R]
                                                     [--runs N] [--jvm-options '…'] [--baseline-jar JAR]
                                                     [--baseline-jvm-options '…'] [--shard i/n]
                                                     [--capacity-tenants N] [--capacity-entities M] [--changes K]
                                                     [--capacity-json FILE]

                Runs benchmark scenarios on a durable embedded PostgreSQL (a fresh database per scenario), or on the
                configured database (PG* or CONFWATCH_DATABASE_URL) when one is set, and prints a table:
                scenario | ours | baseline (measured in the same run) | ratio | target | verdict.

                Scenarios (default: all but startup and capacity, in this order):
                  propagation-idle  --samples single-row updates 20 ms apart, commit returned -> installed, p50/p99;
                                    baseline: a bare pgjdbc LISTEN client + one tenant load; and a 5 s poller (model);
                                    each series (ours and the baseline) follows --warmup (2000) unmeasured changes
                  delta-10k         a one-row change in a --big-tenant (10000) entity tenant vs a 10-entity tenant
                  cold-start        --tenants (2000) x --entities (50): start to ready, heap per entity after GC
                  writer-tps        --clients (1,16) JDBC writers for --duration (5s): ConfWatch triggers vs a
                                    notify-only trigger; confwatch.notify = off vs no triggers
                  hint-flood        --hints-per-second (20000) over --flood-tenants (1000) for --duration: genuine
                                    version bumps (lag p99, loads), then duplicate hints (loads), heap before/after
                  poll-mode         a worker with CONFWATCH_MODE=poll and a 1 s interval: --samples/15 changes at
                                    random phases, p99 against one interval + one tenant load
                  idle-sweep        --tenants x 10 (20000), poll mode at 1 s, 2 x --duration per phase: rows per sweep with a
                                    full comparison every sweep (the sweep before the cursor) vs the cursor, idle and
                                    with 10 changed tenants/s; EXPLAIN ANALYZE time and buffers of both statements
                  http-reads        GET /tenants/{id} over --connections (16) keep-alive loopback connections from a
                                    closed-loop client in this JVM, random tenants of --http-tenants (1000) x
                                    --http-entities (20), full bodies, for --duration: p99 while reloadAll() runs
                                    back to back vs p99 at rest, and req/s of both (the client shares the CPUs);
                                    --http-rate R paces both phases to R req/s in all (default 0: unpaced)
                  http-propagation  a one-row change reaching an HTTP client (commit returned -> body read whole) in a
                                    --big-tenant (10000) entity tenant vs a 10-entity tenant, --samples/3 each: long
                                    polls first, then a GET /watch stream, then a GET /watch?delta=true stream;
                                    watch and delta p50 against the long poll's
                  startup           (only when named) java -jar confwatch.jar serve as a process against --tenants x
                                    --entities, spawn -> first 200 on /readyz, --runs (5) times, median and split
                                    (JVM start, initial load, other); --jvm-options for its JVM; --baseline-jar (and
                                    --baseline-jvm-options) runs another build alternately beside it; --shard i/n
                                    starts sharded pods. A configured database already seeded with that shape is reused
                  capacity          (only when named) per pod, unsharded and as --shard (0/4): rows, bytes, shared
                                    blocks and database time of the worker's own statements (pg_stat_statements for
                                    its login; bytes through a counting relay) for a start-up, a full reload, an idle
                                    sweep and a sweep after --changes (100) changes, over --capacity-tenants (20000) x
                                    --capacity-entities (5); a table, and JSON in --capacity-json (bench-capacity.json)
                                    The server must preload pg_stat_statements (the embedded one does); a configured
                                    database already seeded with that shape is reused

                Exits 0 when every scenario ran (a missed target is a verdict, not a failure), 1 when one could not run,
                2 on bad options.
                """;
    }
}
