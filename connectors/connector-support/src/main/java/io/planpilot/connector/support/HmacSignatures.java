package io.planpilot.connector.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** HMAC helpers for webhook signatures; comparisons take the same time whatever the input. */
public final class HmacSignatures {

    private HmacSignatures() {
    }

    /** HMAC-SHA256 of {@code data} with {@code secret}, as lower-case hex. */
    public static String sha256Hex(String secret, byte[] data) {
        return HexFormat.of().formatHex(sha256(secret, data));
    }

    /** HMAC-SHA256 of {@code data} with {@code secret}. */
    public static byte[] sha256(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whether two signature texts are equal, compared in constant time; false when either is null. */
    public static boolean equal(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
