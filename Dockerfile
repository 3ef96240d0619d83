# ConfWatch worker image (DESIGN §7b). Build from the repository root:
#
#     docker build -t confwatch:0.1.0 .
#     docker run --rm -p 8080:8080 -e PGHOST=… -e PGUSER=… -e PGPASSWORD=… confwatch:0.1.0
#
# The image runs `java -jar /app/confwatch.jar serve`; any other command replaces `serve`
# (`docker run … confwatch:0.1.0 migrate`). Kubernetes probes /livez and /readyz, so there is no
# HEALTHCHECK. DockerfileTest keeps this file in step with the build (jar name, command, port, user,
# pinned tags): change them together.

# ---- build: Maven on JDK 17 -------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build

# Dependencies and plugins from the poms alone: this layer is rebuilt only when a pom changes. Packaging the poms
# alone (every module an empty jar) fetches what the real build uses and resolves the modules' dependencies on each
# other inside the reactor (dependency:go-offline would also fetch optional dependencies no build uses, and cannot
# resolve the reactor's own unbuilt artifacts).
COPY pom.xml ./
COPY confwatch/pom.xml confwatch/
COPY confwatch-embedded/pom.xml confwatch-embedded/
COPY confwatch-testing/pom.xml confwatch-testing/
COPY confwatch-app/pom.xml confwatch-app/
RUN mvn -B -q -DskipTests package

# The sources, and sql/ (the migrations are packaged into the library's jar).
COPY sql/ sql/
COPY confwatch/src/ confwatch/src/
COPY confwatch-embedded/src/ confwatch-embedded/src/
COPY confwatch-testing/src/ confwatch-testing/src/
COPY confwatch-app/src/ confwatch-app/src/
RUN mvn -B -DskipTests package

# ---- runtime: JRE 17 only ---------------------------------------------------------------------
FROM eclipse-temurin:17.0.17_10-jre-noble

# A fixed numeric user, so Kubernetes' runAsNonRoot can check it without a passwd lookup.
# The embedded PostgreSQL (used only when no database is configured) refuses to run as root and
# then needs setpriv (util-linux) to drop privileges; as a non-root user the JVM starts the server
# directly, so the image needs nothing more.
RUN groupadd --system --gid 10001 confwatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin confwatch

WORKDIR /app
# Owned by root and read-only to the worker: the process cannot change its own code.
COPY --from=build --chown=0:0 /build/target/confwatch.jar /app/confwatch.jar

# Class data sharing (AppCDS, JDK 17: a dynamic archive from a training run). `serve` runs once here in embedded mode
# (the only database an image build has; as root the embedded server drops to nobody through setpriv), on a random
# loopback port (the build may share the host's network), until /readyz answers, then stops on SIGTERM; at exit the
# JVM writes the classes it loaded to /app/confwatch.jsa, and every start maps them instead of reading, verifying and
# linking them from the jar again (docs/benchmarks.md, "Start-up").
# -Xmx512m keeps compressed oops on whatever the builder's memory, as in any pod under 32 GiB of heap: an archive is
# usable only by a JVM with the same layout. The last step maps the archive with -Xshare:on, which fails the build
# instead of shipping an archive the JVM would refuse (and warn about on stdout, mid JSON log).
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN set -e; port=$((20000 + RANDOM % 20000)); \
    CONFWATCH_HTTP_HOST=127.0.0.1 CONFWATCH_HTTP_PORT=$port java -Xmx512m \
        -XX:ArchiveClassesAtExit=/app/confwatch.jsa -jar /app/confwatch.jar serve >/tmp/training.log 2>&1 & \
    pid=$!; \
    for _ in $(seq 1 600); do \
        if (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /readyz HTTP/1.0\r\n\r\n' >&3 \
            && head -n 1 <&3 | grep -q ' 200') 2>/dev/null; then break; fi; \
        if ! kill -0 $pid 2>/dev/null; then cat /tmp/training.log; exit 1; fi; \
        sleep 0.5; \
    done; \
    kill -TERM $pid; wait $pid; \
    if [ ! -s /app/confwatch.jsa ]; then cat /tmp/training.log; exit 1; fi; \
    java -Xshare:on -XX:SharedArchiveFile=/app/confwatch.jsa -Xmx512m -jar /app/confwatch.jar serve --help >/dev/null; \
    rm -rf /tmp/* /tmp/.[!.]*

USER 10001:10001
EXPOSE 8080

# Container-aware heap (75% of the memory limit; the rest is metaspace, threads, Netty's direct
# buffers) and a clean exit on OutOfMemoryError so Kubernetes restarts the pod instead of leaving a
# half-dead JVM. The flags are on the command line, not in JAVA_TOOL_OPTIONS, so the JVM prints no
# "Picked up …" line into a JSON log stream. The class archive is the one trained above.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=/app/confwatch.jsa", \
    "-jar", "/app/confwatch.jar"]
CMD ["serve"]
