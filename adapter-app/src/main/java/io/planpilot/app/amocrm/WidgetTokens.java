package io.planpilot.app.amocrm;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Checks the {@code X-Auth-Token} that amoCRM's {@code $authorizedAjax()} adds to a widget's call: a JWT
 * signed HS256 with the private integration's secret key ({@code client-secret}), about 30 minutes
 * long-lived. Its claims (amoCRM's one-time token): {@code iss} the account's address, {@code aud} the
 * base address (scheme and host) of the integration's redirect URI, {@code jti}, {@code iat},
 * {@code nbf}, {@code exp}, {@code account_id}, {@code subdomain}, {@code user_id}, {@code client_uuid}.
 * A token is accepted when its signature is the secret's, it is within its lifetime (give or take
 * {@link #CLOCK_SKEW}), its audience is this adapter, and it names the connection's account.
 */
@Component
class WidgetTokens {

    /** How far the adapter's clock and amoCRM's may disagree. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Clock clock;

    WidgetTokens(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param token     the header's value; null when missing
     * @param audiences what {@code aud} may be: this adapter's base address in its accepted spellings
     * @throws WidgetTokenRejected naming why the token is not accepted
     */
    WidgetUser verify(String token, WidgetAccount account, Collection<String> audiences) {
        if (token == null || token.isBlank()) {
            throw new WidgetTokenRejected("no X-Auth-Token header");
        }
        if (account.clientSecret() == null) {
            throw new WidgetTokenRejected("the connection has no client-secret (the integration's secret key), so no "
                    + "token can be checked");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.trim());
        } catch (ParseException e) {
            throw new WidgetTokenRejected("the X-Auth-Token is not a signed JWT: " + e.getMessage());
        }
        // the algorithm is the adapter's choice, never the token's: "none" or RS256 tricks end here
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new WidgetTokenRejected("the token is signed with " + jwt.getHeader().getAlgorithm() + ", not HS256");
        }
        try {
            // MACVerifier compares the signatures in constant time
            if (!jwt.verify(new MACVerifier(account.clientSecret().getBytes(StandardCharsets.UTF_8)))) {
                throw new WidgetTokenRejected("the signature is not the connection's client-secret's");
            }
        } catch (JOSEException e) {
            throw new WidgetTokenRejected("the signature cannot be checked with the connection's client-secret: "
                    + e.getMessage());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new WidgetTokenRejected("the token's claims are not JSON: " + e.getMessage());
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new WidgetTokenRejected("the token has no exp");
        }
        if (now.isAfter(exp.toInstant().plus(CLOCK_SKEW))) {
            throw new WidgetTokenRejected("the token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
            throw new WidgetTokenRejected("the token is not valid before " + nbf.toInstant());
        }
        List<String> audience = claims.getAudience();
        if (audience.stream().map(WidgetTokens::normalized).noneMatch(audiences::contains)) {
            throw new WidgetTokenRejected("the token is for " + audience + ", not for this adapter " + audiences
                    + " (the integration's redirect URI must be on the adapter's address)");
        }
        String accountId = text(claims.getClaim("account_id"));
        String subdomain = text(claims.getClaim("subdomain"));
        if (account.accountId() == null && account.subdomain() == null) {
            throw new WidgetTokenRejected("the connection names no account (no account-id, and base-url has no "
                    + "subdomain), so the token's account cannot be checked");
        }
        if (account.accountId() != null && !account.accountId().toString().equals(accountId)) {
            throw new WidgetTokenRejected("the token is of account " + accountId + ", not of the connection's account "
                    + account.accountId());
        }
        if (account.subdomain() != null && (subdomain == null || !account.subdomain().equalsIgnoreCase(subdomain))) {
            throw new WidgetTokenRejected("the token is of subdomain " + subdomain + ", not of the connection's "
                    + account.subdomain());
        }
        String userId = text(claims.getClaim("user_id"));
        if (userId == null) {
            throw new WidgetTokenRejected("the token names no user_id");
        }
        return new WidgetUser(userId, accountId, subdomain, claims.getJWTID(), exp.toInstant());
    }

    /** A base address as compared: lower case, without a trailing slash. */
    static String normalized(String url) {
        String lower = url.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** amoCRM writes ids as numbers; strings are read as well. */
    private static String text(Object claim) {
        if (claim == null) {
            return null;
        }
        if (claim instanceof Number number) {
            return Long.toString(number.longValue());
        }
        return claim.toString().trim();
    }
}
