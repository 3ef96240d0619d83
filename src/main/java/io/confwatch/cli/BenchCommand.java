package io.confwatch.cli;

import io.confwatch.config.WorkerConfig;
import java.io.PrintStream;
import java.util.List;

/** {@code bench}: the benchmark scenarios do not exist yet; says so and fails rather than pretend. */
final class BenchCommand implements Cli.Command {
    @Override
    public int run(WorkerConfig config, List<String> options, PrintStream out, PrintStream err) {
        err.println(
                "confwatch bench: not built yet (the benchmark issue adds it); see docs/benchmarks.md when it lands");
        return Cli.FAILURE;
    }

    @Override
    public String help() {
        return """
                Usage: java -jar confwatch.jar bench

                Not built yet: exits 1.
                """;
    }
}
