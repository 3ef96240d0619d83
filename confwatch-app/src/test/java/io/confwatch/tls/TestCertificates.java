package io.confwatch.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Certificates minted at test time with BouncyCastle: private CAs, server and client certificates, PEM files. */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {}

    private TestCertificates() {}

    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA valid for a day. */
    public static Issued ca(String name) {
        KeyPair keys = ecKeys();
        return new Issued(
                build(name, keys, name, keys.getPrivate(), null, true, Instant.now(), Duration.ofDays(1)), keys);
    }

    /** A server certificate for {@code dnsName} issued by {@code ca}, valid from {@code from} for {@code validity}. */
    public static Issued server(Issued ca, String dnsName, Instant from, Duration validity) {
        KeyPair keys = ecKeys();
        String subject = "CN=" + dnsName;
        return new Issued(build(subject, keys, name(ca), ca.keys().getPrivate(), dnsName, false, from, validity), keys);
    }

    /** A client certificate for database role {@code role} issued by {@code ca}, with {@code keys}. */
    public static Issued client(Issued ca, String role, KeyPair keys) {
        return new Issued(
                build(
                        "CN=" + role,
                        keys,
                        name(ca),
                        ca.keys().getPrivate(),
                        null,
                        false,
                        Instant.now(),
                        Duration.ofDays(1)),
                keys);
    }

    /** Writes {@code certificates} as one PEM bundle. */
    public static Path writeCertificates(Path file, X509Certificate... certificates) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                pem.writeObject(certificate);
            }
        }
        Files.writeString(file, out.toString());
        return file;
    }

    /** Writes {@code key} in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), readable by its owner only. */
    public static Path writePkcs8(Path file, PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        return writePrivate(file, out.toString());
    }

    /** Writes {@code key} in OpenSSL's traditional PEM: PKCS#1 for RSA, SEC1 (curve named, as OpenSSL does) for EC. */
    public static Path writeTraditional(Path file, PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                // BouncyCastle leaves the curve out of SEC1 (the JDK's encoding has it outside); OpenSSL writes it in.
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(
                        info.getPrivateKeyAlgorithm().getParameters());
                pem.writeObject(new PemObject(
                        "EC PRIVATE KEY",
                        new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), curve).getEncoded()));
            } else {
                pem.writeObject(key);
            }
        }
        return writePrivate(file, out.toString());
    }

    private static Path writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
        return file;
    }

    private static String name(Issued ca) {
        return ca.certificate().getSubjectX500Principal().getName();
    }

    private static X509Certificate build(
            String subject,
            KeyPair keys,
            String issuer,
            PrivateKey issuerKey,
            String dnsName,
            boolean isCa,
            Instant from,
            Duration validity) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from),
                    Date.from(from.plus(validity)),
                    new X500Name(subject),
                    keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            }
            if (dnsName != null) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot mint a test certificate for " + subject, e);
        }
    }
}
