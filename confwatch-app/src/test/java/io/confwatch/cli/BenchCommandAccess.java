package io.confwatch.cli;

import io.confwatch.bench.BenchOptions;
import java.util.List;

/** Lets tests in other packages parse bench options as the command line does. */
public final class BenchCommandAccess {
    private BenchCommandAccess() {}

    /** {@code BenchCommand.parse}. */
    public static BenchOptions parse(List<String> options) {
        return BenchCommand.parse(options);
    }
}
