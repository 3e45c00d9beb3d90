package io.planpilot.app.security;

import io.planpilot.app.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The Bearer token for {@code /api/**}: {@code adapter.security.admin-token}, or one generated on
 * the first start, kept in {@code ${adapter.data-dir}/admin-token} and printed once: the one secret
 * the adapter ever logs.
 */
@Component
public class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    static final String FILE_NAME = "admin-token";

    private final byte[] token;
    /** {@code adapter.security.previous-admin-token}: still accepted while clients move to the new one; empty when none. */
    private final byte[] previous;

    public AdminToken(AdapterConfig config) {
        String configured = config.adminToken();
        String value = configured.isEmpty() ? stored(config.dataDir().resolve(FILE_NAME)) : configured;
        this.token = value.getBytes(StandardCharsets.UTF_8);
        this.previous = config.previousAdminToken().getBytes(StandardCharsets.UTF_8);
    }

    private static String stored(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            log.warn("Generated the admin token (shown this once; kept in {}): {}", file.toAbsolutePath(), generated);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin token in " + file.toAbsolutePath(), e);
        }
    }

    /**
     * Constant-time comparison, so the token cannot be guessed byte by byte from response times;
     * both tokens are always compared, so the time does not tell which one matched.
     */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean current = MessageDigest.isEqual(token, bytes);
        boolean old = previous.length > 0 & MessageDigest.isEqual(previous, bytes);
        return current | old;
    }
}
