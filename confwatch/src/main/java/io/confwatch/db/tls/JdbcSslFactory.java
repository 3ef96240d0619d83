package io.confwatch.db.tls;

import io.confwatch.config.SslMode;
import io.confwatch.config.TlsFiles;
import io.confwatch.config.TlsPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The PostgreSQL JDBC driver's {@code sslfactory}: the same trust, host name rule and client certificate as the
 * worker's own connections, read from the connection's {@code sslmode}, {@code sslrootcert}, {@code sslcert} and
 * {@code sslkey} — so migrations accept PKCS#1 and SEC1 keys in PEM as libpq does (the driver's own factory wants
 * PKCS#8 DER or PKCS#12). The driver instantiates it by name with its connection properties.
 */
public final class JdbcSslFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final boolean verifyHost;

    /** Called by the driver with the connection's properties. */
    public JdbcSslFactory(Properties info) {
        SslMode mode = SslMode.parse(info.getProperty("sslmode", "prefer")).orElse(SslMode.PREFER);
        TlsFiles files = new TlsFiles(
                Optional.ofNullable(info.getProperty("sslrootcert")),
                Optional.ofNullable(info.getProperty("sslcert")).map(Path::of),
                Optional.ofNullable(info.getProperty("sslkey")).map(Path::of));
        TlsPolicy policy = TlsPolicy.of(mode, files);
        TlsClient client = TlsClient.of(policy, files, info.getProperty("PGHOST", ""));
        this.delegate = client.sslContext().getSocketFactory();
        this.verifyHost = policy.verifiesHost();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    private Socket configure(Socket socket) {
        if (verifyHost && socket instanceof SSLSocket ssl) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        return socket;
    }
}
