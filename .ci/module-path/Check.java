package check;

import io.confwatch.ConfWatch;
import io.confwatch.config.WorkerConfig;
import java.time.Duration;

/**
 * Runs the library on the module path (.ci/run, issue 13 block): the module resolves with its dependencies, starts an
 * embedded PostgreSQL, applies the migrations through Flyway and loads; an internal package is refused. Exits 1 if not.
 */
public class Check {
    public static void main(String[] args) throws Exception {
        Module module = ConfWatch.class.getModule();
        if (!module.isNamed() || !module.getName().equals("io.confwatch")) {
            fail("io.confwatch is not a named module here: " + module);
        }
        try (ConfWatch confWatch = ConfWatch.start(WorkerConfig.defaults())) {
            if (!confWatch.awaitReady(Duration.ofMinutes(3))) {
                fail("not ready within 3 minutes on the module path");
            }
            System.out.println("module path: ready, listener " + confWatch.status().listener().state());
        }
        try {
            Class.forName("io.confwatch.cache.ConfigCache").getConstructor().newInstance();
            fail("an internal class (io.confwatch.cache.ConfigCache) was accessible on the module path");
        } catch (IllegalAccessException expected) {
            System.out.println("module path: internal package refused (" + expected.getMessage() + ")");
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
