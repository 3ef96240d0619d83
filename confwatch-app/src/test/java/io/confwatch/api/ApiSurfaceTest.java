package io.confwatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.confwatch.ConfWatch;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's public surface (DESIGN §5a), pinned: what its module exports, every type an application can use, that
 * no API signature names an internal type, and that every public type and member of the API is documented. Growing
 * the API means editing the lists below: a visible, reviewed change.
 */
class ApiSurfaceTest {

    /** The packages an application may use; every other package of the library is internal. */
    private static final Set<String> API_PACKAGES =
            Set.of("io.confwatch", "io.confwatch.config", "io.confwatch.http", "io.confwatch.model");

    /** Qualified exports: to the project's own artifacts only. */
    private static final String QUALIFIED_EXPORTS = "io.confwatch.db to [io.confwatch.testing]";

    /** Every public (or protected nested) type of the API packages. */
    private static final String API_TYPES =
            """
            io.confwatch.ConfWatch
            io.confwatch.EmbeddedDatabase
            io.confwatch.EmbeddedDatabase$Launcher
            io.confwatch.WorkerStatus
            io.confwatch.WorkerStatus$FailingTenant
            io.confwatch.config.Backoff
            io.confwatch.config.BuildInfo
            io.confwatch.config.ConfigException
            io.confwatch.config.DatabaseTarget
            io.confwatch.config.Durations
            io.confwatch.config.HttpSettings
            io.confwatch.config.ListenerSettings
            io.confwatch.config.LogFormat
            io.confwatch.config.LogLevel
            io.confwatch.config.LoggingSettings
            io.confwatch.config.Mode
            io.confwatch.config.PoolSettings
            io.confwatch.config.ReloadBudget
            io.confwatch.config.ReloadSettings
            io.confwatch.config.RetentionSettings
            io.confwatch.config.Secret
            io.confwatch.config.Shard
            io.confwatch.config.ShardOwnership
            io.confwatch.config.ShardScheme
            io.confwatch.config.SlotOwnership
            io.confwatch.config.SslMode
            io.confwatch.config.TenantOwnership
            io.confwatch.config.TenantSlot
            io.confwatch.config.TlsFiles
            io.confwatch.config.TlsMaterial
            io.confwatch.config.TlsMaterial$ClientIdentity
            io.confwatch.config.TlsMaterial$Part
            io.confwatch.config.TlsMaterial$TlsFileException
            io.confwatch.config.TlsPolicy
            io.confwatch.config.WorkerConfig
            io.confwatch.http.HttpApi
            io.confwatch.model.ConfigEntity
            io.confwatch.model.DefinitionValidator
            io.confwatch.model.Definitions
            io.confwatch.model.Definitions$Builder
            io.confwatch.model.EntityKind
            io.confwatch.model.Filter
            io.confwatch.model.FullReloadStatus
            io.confwatch.model.FullReloadStatus$Finished
            io.confwatch.model.FullReloadStatus$Running
            io.confwatch.model.InvalidEntity
            io.confwatch.model.ListenerStatus
            io.confwatch.model.Monitor
            io.confwatch.model.ReadFailedException
            io.confwatch.model.ReadOutcome
            io.confwatch.model.ReadOutcome$Failed
            io.confwatch.model.ReadOutcome$Gone
            io.confwatch.model.ReadOutcome$Installed
            io.confwatch.model.ReadOutcome$Unchanged
            io.confwatch.model.TenantChange
            io.confwatch.model.TenantSnapshot
            io.confwatch.model.TlsStatus
            io.confwatch.model.Trigger
            """;

    /**
     * Internal types an API signature still names, with the member that names them: none ({@code ReadOutcome} and
     * {@code ReadFailedException} moved to {@code model}). The test fails when a new one appears.
     */
    private static final Set<String> KNOWN_LEAKS = Set.of();

    private static final Path LIBRARY_SOURCES = Path.of("confwatch/src/main/java");

    @Test
    void moduleDescriptor_exportsOnlyTheApiPackages() {
        ModuleDescriptor descriptor = descriptor();

        assertThat(descriptor.name()).isEqualTo("io.confwatch");
        assertThat(descriptor.exports().stream()
                        .filter(e -> !e.isQualified())
                        .map(Exports::source)
                        .collect(Collectors.toSet()))
                .isEqualTo(API_PACKAGES);
        assertThat(descriptor.exports().stream()
                        .filter(Exports::isQualified)
                        .map(e -> e.source() + " to " + new TreeSet<>(e.targets()))
                        .toList())
                .containsExactly(QUALIFIED_EXPORTS);
        // Flyway reads the migrations as resources: on the module path only an open package's resources are readable.
        assertThat(descriptor.opens().stream().map(o -> o.source() + (o.isQualified() ? " to " + o.targets() : "")))
                .containsExactly("db.migration");
        assertThat(descriptor.uses()).containsExactly("io.confwatch.EmbeddedDatabase$Launcher");
        assertThat(descriptor.packages())
                .as("internal packages exist and are not exported")
                .contains("io.confwatch.cache", "io.confwatch.db", "io.confwatch.listen", "io.confwatch.reload");
    }

    @Test
    void apiPackages_holdExactlyTheListedPublicTypes() throws Exception {
        assertThat(String.join("\n", apiTypes().stream().map(Class::getName).toList()) + "\n")
                .isEqualTo(API_TYPES);
    }

    @Test
    void apiSignatures_nameNoInternalType() throws Exception {
        Set<String> leaks = new TreeSet<>();
        for (Class<?> type : apiTypes()) {
            List<Type> named = new ArrayList<>();
            named.add(type.getGenericSuperclass());
            named.addAll(List.of(type.getGenericInterfaces()));
            for (Field field : type.getDeclaredFields()) {
                if (isApi(field)) {
                    leaks.addAll(internal(type, field.getName(), List.of(field.getGenericType())));
                }
            }
            List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
            executables.addAll(List.of(type.getDeclaredConstructors()));
            for (Executable executable : executables) {
                if (!isApi(executable) || executable.isSynthetic()) {
                    continue;
                }
                List<Type> signature = new ArrayList<>(List.of(executable.getGenericParameterTypes()));
                signature.addAll(List.of(executable.getGenericExceptionTypes()));
                if (executable instanceof Method method) {
                    signature.add(method.getGenericReturnType());
                }
                String name = executable instanceof Constructor<?> ? "<init>" : executable.getName();
                leaks.addAll(internal(type, name, signature));
            }
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    leaks.addAll(internal(type, component.getName(), List.of(component.getGenericType())));
                }
            }
            leaks.addAll(internal(type, "extends", named));
        }
        assertThat(leaks).isEqualTo(new TreeSet<>(KNOWN_LEAKS));
    }

    @Test
    void everyPublicTypeAndMember_ofTheApi_isDocumented(@TempDir Path classes) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            try (Stream<Path> files = Files.list(LIBRARY_SOURCES.resolve(pkg.replace('.', '/')))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of(
                    "-proc:none",
                    "-implicit:none",
                    "-Xmaxwarns",
                    "100000",
                    "-Xmaxerrs",
                    "100000",
                    // Records and one-line method docs are the house style (STYLE.md): a missing comment fails, a
                    // missing @param or @return does not; broken references and HTML fail too.
                    "-Xdoclint:all/protected",
                    "-Xdoclint/package:" + String.join(",", API_PACKAGES),
                    "-sourcepath",
                    "",
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "-d",
                    classes.toString());
            boolean compiled = javac.getTask(
                            new StringWriter(),
                            files,
                            diagnostics,
                            options,
                            null,
                            files.getJavaFileObjectsFromPaths(sources))
                    .call();
            List<String> problems = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getSource() != null)
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR
                            || d.getMessage(Locale.ROOT).equals("no comment"))
                    .map(d -> Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": "
                            + d.getMessage(Locale.ROOT))
                    .toList();
            assertThat(problems).as("doclint on the API packages").isEmpty();
            assertThat(compiled).isTrue();
        }
    }

    /** The library's module descriptor, read from its jar or classes directory as the application sees it. */
    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(libraryLocation())
                .find("io.confwatch")
                .orElseThrow(() -> new AssertionError("no module io.confwatch at " + libraryLocation()))
                .descriptor();
    }

    /** The public types of the API packages that an application can name, sorted by binary name. */
    private static List<Class<?>> apiTypes() throws IOException, ClassNotFoundException {
        TreeMap<String, Class<?>> types = new TreeMap<>();
        for (String name : classNames()) {
            String pkg = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
            if (!API_PACKAGES.contains(pkg) || name.endsWith("package-info") || name.endsWith("module-info")) {
                continue;
            }
            Class<?> type = Class.forName(name, false, ConfWatch.class.getClassLoader());
            if (isReachable(type)) {
                types.put(type.getName(), type);
            }
        }
        return List.copyOf(types.values());
    }

    private static boolean isReachable(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        int modifiers = type.getModifiers();
        boolean visible =
                Modifier.isPublic(modifiers) || (type.getEnclosingClass() != null && Modifier.isProtected(modifiers));
        return visible && (type.getEnclosingClass() == null || isReachable(type.getEnclosingClass()));
    }

    private static boolean isApi(Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The internal library types that {@code types} name, as {@code Owner.member -> internal.Type}. */
    private static Set<String> internal(Class<?> owner, String member, List<Type> types) {
        Set<Class<?>> named = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
        types.forEach(t -> collect(t, named));
        return named.stream()
                .filter(c -> c.getPackageName().startsWith("io.confwatch"))
                .filter(c -> !API_PACKAGES.contains(c.getPackageName()))
                .map(c -> owner.getName() + "." + member + " -> " + c.getName())
                .collect(Collectors.toSet());
    }

    private static void collect(Type type, Set<Class<?>> into) {
        if (type instanceof Class<?> c) {
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            into.add(element);
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), into);
            for (Type argument : p.getActualTypeArguments()) {
                collect(argument, into);
            }
        } else if (type instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .forEach(t -> collect(t, into));
        } else if (type instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), into);
        } else if (type instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) {
                if (!(bound instanceof TypeVariable<?>)) {
                    collect(bound, into);
                }
            }
        }
    }

    /** The binary names of every class in the library's jar or classes directory. */
    private static List<String> classNames() throws IOException {
        Path location = libraryLocation();
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.map(f -> location.relativize(f).toString().replace('\\', '/'))
                        .forEach(entries::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName()).forEach(entries::add);
            }
        }
        return entries.stream()
                .filter(e -> e.endsWith(".class"))
                .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
                .sorted()
                .toList();
    }

    private static Path libraryLocation() {
        try {
            return Path.of(ConfWatch.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
