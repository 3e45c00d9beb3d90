package io.planpilot.app.security;

import io.planpilot.app.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts the secrets the adapter keeps in its database (a CRM application's OAuth tokens) with
 * AES-256-GCM under {@code adapter.security.encryption-key}; without that key, one is generated on
 * the first start and kept in {@code ${adapter.data-dir}/encryption-key} (replicas sharing a database
 * must all be given the same key). A sealed text is {@code v1:<base64url(iv || ciphertext+tag)>}.
 */
@Component
public class SecretBox {

    static final String FILE_NAME = "encryption-key";
    private static final String VERSION = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(AdapterConfig config) {
        byte[] bytes = config.encryptionKey().isEmpty()
                ? stored(config.dataDir().resolve(FILE_NAME))
                : Base64.getDecoder().decode(config.encryptionKey());
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** The text encrypted; a different text each time (a fresh nonce). */
    public String seal(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt with AES/GCM", e);
        }
    }

    /**
     * The text {@link #seal} sealed.
     *
     * @throws IllegalArgumentException when the text was not sealed with this key or was altered
     */
    public String open(String sealed) {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed.substring(VERSION.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret cannot be opened with adapter.security.encryption-key "
                    + "(another key, or altered)", e);
        }
    }

    /** A key for another purpose derived from this one (HMAC-SHA256 of the purpose), so one secret serves all. */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] stored(Path file) {
        try {
            if (Files.exists(file)) {
                return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.UTF_8).trim());
            }
            byte[] generated = new byte[32];
            new SecureRandom().nextBytes(generated);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(generated) + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            log.info("Generated the key that encrypts secrets kept in the database: {} (give replicas the same "
                    + "adapter.security.encryption-key)", file.toAbsolutePath());
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the encryption key in " + file.toAbsolutePath(), e);
        }
    }
}
