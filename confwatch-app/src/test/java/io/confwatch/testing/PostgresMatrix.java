package io.confwatch.testing;

import java.util.Optional;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * The PostgreSQL matrix: the pom runs the tests once more for each older supported major, with that major's embedded
 * binaries on the classpath in place of the default ones and {@value #MAJOR} set to it. Such a run keeps only the SQL
 * contract tests (every class in {@value #CONTRACT_PACKAGE}) and the classes tagged {@value #TAG} (the listener and
 * propagation tests); {@link PostgresExtension} checks the server really is that major. Without {@value #MAJOR} (the
 * normal run) this filter keeps everything.
 *
 * <p>Registered with the JUnit Platform launcher through {@code META-INF/services}.
 */
public final class PostgresMatrix implements PostDiscoveryFilter {
    /** System property naming the PostgreSQL major of a matrix run. */
    public static final String MAJOR = PostgresExtension.MAJOR;
    /** Tag of a test class that runs on every supported major, beside the SQL contract tests. */
    public static final String TAG = "postgres-matrix";
    /** Package of the SQL contract tests: every class in it runs on every supported major. */
    public static final String CONTRACT_PACKAGE = "io.confwatch.sql";

    /** The major of this matrix run, or empty in the normal run. */
    public static Optional<Integer> major() {
        return PostgresExtension.requiredMajor();
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (major().isEmpty()) {
            return FilterResult.included("not a PostgreSQL matrix run");
        }
        Optional<String> className = className(descriptor.getSource());
        if (className.isEmpty()) {
            return FilterResult.included("an engine or suite, not a test class");
        }
        if (className.get().startsWith(CONTRACT_PACKAGE + ".")) {
            return FilterResult.included("an SQL contract test");
        }
        if (descriptor.getTags().contains(TestTag.create(TAG))) {
            return FilterResult.included("tagged " + TAG);
        }
        return FilterResult.excluded("runs on the default PostgreSQL only");
    }

    private static Optional<String> className(Optional<TestSource> source) {
        return source.flatMap(s -> {
            if (s instanceof ClassSource c) {
                return Optional.of(c.getClassName());
            }
            if (s instanceof MethodSource m) {
                return Optional.of(m.getClassName());
            }
            return Optional.empty();
        });
    }
}
