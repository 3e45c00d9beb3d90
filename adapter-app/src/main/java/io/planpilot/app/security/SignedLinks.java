package io.planpilot.app.security;

import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Signed, expiring access tokens for the dashboard: what an admin hands out instead of the admin
 * token, and what a CRM placement (verified by its own means) passes to the pages it frames. A token
 * is {@code base64url(scope|expiry).base64url(HMAC-SHA256)} under a key derived from
 * {@link SecretBox}'s key, so every replica given the same encryption key accepts it. The scope is
 * opaque text chosen by the issuer ({@code all}, {@code connection:b24}, ...).
 */
@Component
public class SignedLinks {

    private final byte[] key;
    private final Clock clock;

    public SignedLinks(SecretBox box, Clock clock) {
        this.key = box.derive("planpilot-ui-links");
        this.clock = clock;
    }

    /** What a valid token grants. */
    public record Grant(String scope, Instant expires) {
    }

    public String issue(String scope, Duration ttl) {
        if (scope.contains("|")) {
            throw new IllegalArgumentException("a scope may not contain '|': " + scope);
        }
        long expires = clock.instant().plus(ttl).getEpochSecond();
        byte[] payload = (scope + "|" + expires).getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(mac(payload));
    }

    /** The grant of a token that is genuine and not expired; empty otherwise. */
    public Optional<Grant> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(mac(payload), signature)) {
                return Optional.empty();
            }
            String text = new String(payload, StandardCharsets.UTF_8);
            int bar = text.lastIndexOf('|');
            Instant expires = Instant.ofEpochSecond(Long.parseLong(text.substring(bar + 1)));
            return expires.isAfter(clock.instant()) ? Optional.of(new Grant(text.substring(0, bar), expires)) : Optional.empty();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
