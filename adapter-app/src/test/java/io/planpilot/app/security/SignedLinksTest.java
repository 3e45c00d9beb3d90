package io.planpilot.app.security;

import io.planpilot.app.config.AdapterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignedLinksTest {

    @TempDir
    Path dir;

    private SecretBox box(String key) {
        AdapterConfig config = Mockito.mock(AdapterConfig.class);
        Mockito.when(config.encryptionKey()).thenReturn(key);
        Mockito.when(config.dataDir()).thenReturn(dir);
        return new SecretBox(config);
    }

    @Test
    void aSealedSecretOpensOnlyWithItsKeyAndIsNeverStoredInClear() {
        SecretBox box = box("");
        String sealed = box.seal("refresh-token-123");

        assertThat(sealed).startsWith("v1:").doesNotContain("refresh-token-123").isNotEqualTo(box.seal("refresh-token-123"));
        assertThat(box.open(sealed)).isEqualTo("refresh-token-123");
        assertThat(box("").open(sealed)).as("the generated key is kept in the data dir").isEqualTo("refresh-token-123");
        String other = Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> box(other).open(sealed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adapter.security.encryption-key");
        String altered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> box.open(altered)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLinkIsValidForItsScopeUntilItExpiresAndNotWhenAltered() {
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        SecretBox box = box(Base64.getEncoder().encodeToString(new byte[32]));
        SignedLinks links = new SignedLinks(box, Clock.fixed(now, ZoneOffset.UTC));
        String token = links.issue("connection:b24", Duration.ofMinutes(10));

        assertThat(links.verify(token)).hasValueSatisfying(grant -> {
            assertThat(grant.scope()).isEqualTo("connection:b24");
            assertThat(grant.expires()).isEqualTo(now.plusSeconds(600));
        });
        SignedLinks later = new SignedLinks(box, Clock.fixed(now.plusSeconds(601), ZoneOffset.UTC));
        assertThat(later.verify(token)).isEmpty();
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("all|9999999999".getBytes())
                + token.substring(token.indexOf('.'));
        assertThat(links.verify(forged)).isEmpty();
        assertThat(links.verify("garbage")).isEmpty();
        assertThat(links.verify(null)).isEmpty();
        SignedLinks otherKey = new SignedLinks(box(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})), Clock.fixed(now, ZoneOffset.UTC));
        assertThat(otherKey.verify(token)).isEmpty();
    }
}
