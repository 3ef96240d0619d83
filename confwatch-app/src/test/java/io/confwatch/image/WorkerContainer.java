package io.confwatch.image;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The ConfWatch image run exactly as the Helm chart runs it: user 10001, read-only root filesystem with a writable
 * {@code /tmp} (the chart's emptyDir: 256 MiB, executable like an emptyDir), no capabilities, no privilege
 * escalation, the chart's memory limit; on the host's network with the HTTP server bound to 127.0.0.1, so every
 * byte stays on loopback.
 */
final class WorkerContainer {
    /** Names an image that is already built (CI builds it from the Dockerfile before the tests). */
    static final String IMAGE_VARIABLE = "CONFWATCH_TEST_IMAGE";
    /** The chart's terminationGracePeriodSeconds: what Kubernetes waits after SIGTERM before it kills. */
    static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

    private static final long MiB = 1024L * 1024L;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final GenericContainer<?> container;
    private final int httpPort;

    private WorkerContainer(GenericContainer<?> container, int httpPort) {
        this.container = container;
        this.httpPort = httpPort;
    }

    /**
     * A container of the image running {@code command} under the chart's security context and {@code memoryMiB}
     * memory limit, with {@code env} plus loopback-only HTTP on a free port; not started.
     */
    static WorkerContainer create(String image, Map<String, String> env, long memoryMiB, String... command) {
        int port = freePort();
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withEnv(env)
                .withEnv("CONFWATCH_HTTP_HOST", "127.0.0.1")
                .withEnv("CONFWATCH_HTTP_PORT", Integer.toString(port))
                .withCommand(command)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withUser("10001:10001");
                    cmd.getHostConfig()
                            .withReadonlyRootfs(true)
                            // Docker's tmpfs is noexec unless told; a Kubernetes emptyDir is not.
                            .withTmpFs(Map.of("/tmp", "rw,exec,nosuid,nodev,size=256m"))
                            .withCapDrop(Capability.ALL)
                            .withSecurityOpts(List.of("no-new-privileges"))
                            .withMemory(memoryMiB * MiB)
                            .withMemorySwap(memoryMiB * MiB);
                });
        return new WorkerContainer(container, port);
    }

    /**
     * The image under test: {@value #IMAGE_VARIABLE} when set (it must exist: nothing is pulled), else one built here
     * from the repository's Dockerfile (its base images are pulled where a registry is reachable).
     */
    static String image() {
        String named = System.getenv(IMAGE_VARIABLE);
        DockerClient docker = DockerClientFactory.instance().client();
        if (named != null && !named.isBlank()) {
            try {
                docker.inspectImageCmd(named).exec();
            } catch (NotFoundException e) {
                throw new IllegalStateException(IMAGE_VARIABLE + "=" + named + " names no local image; build it first: "
                        + "docker build -t " + named + " .");
            }
            return named;
        }
        return new ImageFromDockerfile("confwatch-test", /* deleteOnExit= */ false)
                .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                .withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host"))
                .get();
    }

    /** The image's size in bytes, as {@code docker images} counts it. */
    static long imageSize(String image) {
        return DockerClientFactory.instance()
                .client()
                .inspectImageCmd(image)
                .exec()
                .getSize();
    }

    GenericContainer<?> container() {
        return container;
    }

    /** The HTTP port on 127.0.0.1. */
    int httpPort() {
        return httpPort;
    }

    /** GET {@code path} on the worker; status -1 when nothing answers. */
    Response get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends SIGTERM as {@code docker stop} does, waits up to the grace period, and says how it went. */
    Stop stop() {
        DockerClient docker = DockerClientFactory.instance().client();
        String id = container.getContainerId();
        long started = System.nanoTime();
        docker.stopContainerCmd(id).withTimeout((int) GRACE_PERIOD.toSeconds()).exec();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        InspectContainerResponse.ContainerState state =
                docker.inspectContainerCmd(id).exec().getState();
        return new Stop(state.getExitCodeLong(), Boolean.TRUE.equals(state.getOOMKilled()), took);
    }

    /** Every line the container wrote to stdout and stderr, in order per stream. */
    List<String> stdout() {
        return container.getLogs(OutputType.STDOUT).lines().toList();
    }

    List<String> stderr() {
        return container.getLogs(OutputType.STDERR).lines().toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    /** An HTTP answer. */
    record Response(int status, String body) {}

    /** How {@code docker stop} ended: the exit code, whether the kernel's OOM killer ended it, how long it took. */
    record Stop(Long exitCode, boolean oomKilled, Duration took) {}
}
