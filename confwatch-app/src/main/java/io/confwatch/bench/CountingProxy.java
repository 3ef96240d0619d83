package io.confwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that counts the bytes each way: the worker connects through it, so the bytes a phase made
 * the database send are the difference of {@link #toClient()} before and after. Plain threads, one per direction.
 */
final class CountingProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong toServer = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CountingProxy(ServerSocket server, String targetHost, int targetPort) {
        this.server = server;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Starts relaying connections on a free loopback port to {@code host:port}. */
    static CountingProxy start(String host, int port) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CountingProxy proxy = new CountingProxy(server, host, port);
        Thread acceptor = new Thread(proxy::accept, "bench-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The port the worker connects to. */
    int port() {
        return server.getLocalPort();
    }

    /** Bytes the database sent so far. */
    long toClient() {
        return toClient.get();
    }

    /** Bytes the worker sent so far. */
    long toServer() {
        return toServer.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                relay(client, upstream, toServer);
                relay(upstream, client, toClient);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void relay(Socket from, Socket to, AtomicLong counter) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[BUFFER];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            counter.addAndGet(n);
                        }
                    } catch (IOException e) {
                        // The other side closed: close both below.
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "bench-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(CountingProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing anyway.
        }
    }
}
