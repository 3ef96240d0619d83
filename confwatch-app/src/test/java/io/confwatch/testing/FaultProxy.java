package io.confwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy between a worker and its database, for fault tests: listens on a loopback port and forwards each
 * connection to the target, and on demand resets every connection ({@link #closeAll()}), stops forwarding on the
 * connections it holds without closing them — a half-open path, while new connections still pass ({@link #stall()},
 * {@link #resume()}) — or resets new connections at once, as a database that is down ({@link #refuse()},
 * {@link #accept()}). Blocking sockets, two daemon threads per connection.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean refusing;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Starts a proxy to {@code host:port} on a free loopback port. */
    public static FaultProxy start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(server, new InetSocketAddress(host, port));
            daemon("fault-proxy-accept", proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault proxy", e);
        }
    }

    /** The loopback port to connect to instead of the target's. */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections currently held (forwarding or stalled). */
    public int connections() {
        return links.size();
    }

    /** Connections accepted and forwarded since the start. */
    public int accepted() {
        return accepted.get();
    }

    /** Resets every held connection, both ways: each end sees its peer vanish (a failover, a proxy restart). */
    public void closeAll() {
        List.copyOf(links).forEach(Link::reset);
    }

    /**
     * Stops forwarding bytes, both ways, on every connection held now, without closing any: their sockets stay open
     * and silent, like a path that died without a FIN or RST. Connections made afterwards pass as usual.
     */
    public void stall() {
        List.copyOf(links).forEach(link -> link.stall(true));
    }

    /** Forwards again on stalled connections (bytes held back are delivered). */
    public void resume() {
        List.copyOf(links).forEach(link -> link.stall(false));
    }

    /** Resets new connections at once, as a database that is down would; held connections are left alone. */
    public void refuse() {
        refusing = true;
    }

    /** Forwards new connections again after {@link #refuse()}. */
    public void accept() {
        refusing = false;
    }

    /** Stops listening and resets every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("Closing the fault proxy's server socket: {}", e.toString());
        }
        closeAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Fault proxy stopped accepting: {}", e.toString());
                }
                return;
            }
            if (refusing) {
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                reset(client);
                reset(upstream);
                continue;
            }
            accepted.incrementAndGet();
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // Already gone; closing below is all that is left to do.
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do for a socket being thrown away.
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    /** One proxied connection: a client socket, an upstream socket and a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private boolean stalled;
        private boolean done;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            daemon("fault-proxy-up", () -> pump(client, upstream)).start();
            daemon("fault-proxy-down", () -> pump(upstream, client)).start();
        }

        synchronized void stall(boolean stall) {
            stalled = stall;
            notifyAll();
        }

        void reset() {
            synchronized (this) {
                done = true;
                notifyAll();
            }
            FaultProxy.reset(client);
            FaultProxy.reset(upstream);
            links.remove(this);
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int read = in.read(buffer);
                    if (read < 0 || !awaitFlowing()) {
                        break;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // One side went away: take the other down with it, once the path carries anything again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
                return;
            }
            try {
                // A stalled path carries no FIN or RST either: the other side learns of the close on resume.
                awaitFlowing();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reset();
        }

        /** Waits while stalled; false once the link is done. */
        private synchronized boolean awaitFlowing() throws InterruptedException {
            while (stalled && !done) {
                wait();
            }
            return !done;
        }
    }
}
