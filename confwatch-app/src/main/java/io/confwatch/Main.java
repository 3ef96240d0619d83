package io.confwatch;

import io.confwatch.cli.Cli;

/** {@code java -jar confwatch.jar serve | migrate | demo | bench}; see {@link Cli}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = Cli.run(args, System.getenv(), System.out, System.err);
        if (code != Cli.KEEP_RUNNING) {
            System.exit(code);
        }
    }
}
