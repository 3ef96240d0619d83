package io.confwatch.bench;

import java.util.List;

/** One benchmark scenario: measures ours and its baseline in the same run and returns table rows. */
public interface Scenario {
    /** The name used with {@code --scenarios}. */
    String name();

    /** Runs the scenario; its rows go into the table. */
    List<ResultRow> run(BenchContext context) throws Exception;
}
