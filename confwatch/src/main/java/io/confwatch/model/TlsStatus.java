package io.confwatch.model;

import io.confwatch.config.TlsPolicy;

/**
 * TLS as {@code /status} shows it under {@code database}.
 *
 * @param sslmode the configured sslmode
 * @param encrypted whether the last connection opened is encrypted; null before the first connection
 * @param verified what an encrypted connection proved about the server: {@code none}, {@code ca} (its chain) or
 *     {@code full} (its chain and host name); {@code none} for a plain-text connection
 * @param clientCertificate whether a client certificate is offered
 */
public record TlsStatus(String sslmode, Boolean encrypted, String verified, boolean clientCertificate) {

    /** The status of connections made under {@code policy}, the last of which was {@code encrypted}. */
    public static TlsStatus of(TlsPolicy policy, Boolean encrypted, boolean clientCertificate) {
        String verified = Boolean.TRUE.equals(encrypted) ? policy.verification() : "none";
        return new TlsStatus(policy.mode().text(), encrypted, verified, clientCertificate);
    }
}
