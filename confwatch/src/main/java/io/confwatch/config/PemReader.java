package io.confwatch.config;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files as libpq (OpenSSL) accepts them: certificate bundles, and private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}).
 * Failures are {@link IllegalArgumentException}s whose message says what is wrong, never what the key holds.
 */
final class PemReader {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s:,-]*?)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
    };

    private PemReader() {}

    /** Every certificate in {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(pem)) {
                if (block.type().equals("CERTIFICATE") || block.type().equals("TRUSTED CERTIFICATE")) {
                    certificates.add(
                            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a valid PEM certificate (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** The private key in {@code pem}. */
    static PrivateKey privateKey(String pem) {
        for (Block block : blocks(pem)) {
            switch (block.type()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                case "RSA PRIVATE KEY":
                    if (block.encrypted()) {
                        throw encrypted();
                    }
                    return pkcs8(
                            sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, block.der()))));
                case "EC PRIVATE KEY":
                    if (block.encrypted()) {
                        throw encrypted();
                    }
                    return pkcs8(sequence(concat(
                            new byte[] {0x02, 0x01, 0x00},
                            sequence(concat(EC_PUBLIC_KEY_OID, ecCurve(block.der()))),
                            tlv(0x04, block.der()))));
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted();
                default:
                    // Certificates or parameters beside the key are allowed, as OpenSSL allows them.
            }
        }
        throw new IllegalArgumentException("no PEM private key in it (expected -----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private record Block(String type, byte[] der, boolean encrypted) {}

    private static List<Block> blocks(String pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem);
        while (matcher.find()) {
            String body = matcher.group(2);
            boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
            String base64 = encrypted ? "" : body.replaceAll("\\s", "");
            try {
                blocks.add(
                        new Block(matcher.group(1), Base64.getDecoder().decode(base64.getBytes(US_ASCII)), encrypted));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the PEM block " + matcher.group(1) + " is not valid base64");
            }
        }
        return blocks;
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException("an encrypted private key is not supported: decrypt it "
                + "(openssl pkey -in key.pem -out plain.pem) and protect the file instead");
    }

    private static PrivateKey pkcs8(byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new IllegalArgumentException("not a readable RSA, EC or EdDSA private key");
    }

    /** The curve OID (tag and length included) from the [0] parameters of a SEC1 {@code ECPrivateKey}. */
    private static byte[] ecCurve(byte[] der) {
        int[] outer = header(der, 0);
        int i = outer[0];
        int end = outer[0] + outer[1];
        while (i < end) {
            int tag = der[i] & 0xff;
            int[] field = header(der, i);
            if (tag == 0xa0) {
                int[] oid = header(der, field[0]);
                return java.util.Arrays.copyOfRange(der, field[0], oid[0] + oid[1]);
            }
            i = field[0] + field[1];
        }
        throw new IllegalArgumentException("the EC private key does not name its curve");
    }

    /** {start of content, content length} of the DER element at {@code offset}. */
    private static int[] header(byte[] der, int offset) {
        if (offset + 2 > der.length) {
            throw new IllegalArgumentException("not a readable private key (truncated)");
        }
        int length = der[offset + 1] & 0xff;
        int start = offset + 2;
        if (length > 0x80) {
            int bytes = length - 0x80;
            length = 0;
            for (int k = 0; k < bytes; k++) {
                length = (length << 8) | (der[start + k] & 0xff);
            }
            start += bytes;
        }
        if (start + length > der.length) {
            throw new IllegalArgumentException("not a readable private key (truncated)");
        }
        return new int[] {start, length};
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
