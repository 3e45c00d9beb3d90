package io.planpilot.connector.amocrm;

import io.planpilot.connector.support.CrmHttpPolicy;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The options of an {@code amocrm} connection, parsed and checked once (no network call):
 * <ul>
 *   <li>{@code base-url} (required): the account's address, {@code https://{subdomain}.amocrm.ru} or
 *       {@code https://{subdomain}.kommo.com} ({@code .amocrm.com} too, Kommo's older domain). HTTPS
 *       only; plain {@code http} is accepted for {@code localhost} and {@code 127.0.0.1}, where only a
 *       local fake of the account can be.</li>
 *   <li>{@code access-token} (required): a long-lived token of the account's private integration, sent as
 *       {@code Authorization: Bearer}.</li>
 *   <li>{@code webhook-secret}: the secret last segment of the webhook URL the account posts to,
 *       {@code /webhooks/{connection}/{webhook-secret}}; at least 16 letters, digits, {@code -} or {@code _}.
 *       amoCRM signs no webhook, so the secret path is what proves a call genuine; without it every
 *       callback is refused.</li>
 *   <li>{@code account-id}: the account's numeric id. Callbacks must name it ({@code account[id]}); when
 *       not set it is learnt from {@code GET /api/v4/account}.</li>
 *   <li>{@code client-secret}: the private integration's secret key, kept for the widget backend (its
 *       {@code X-Auth-Token} JWT); the connector itself does not use it.</li>
 *   <li>{@code reconcile-every} ({@code PT1H}): how often a read lists every lead id, so that deletions
 *       whose webhook was missed reach the store; a full read always lists; {@code 0} lists on every read.</li>
 *   <li>the shared HTTP options of {@link CrmHttpPolicy}. The default limit is 6 requests a second, burst 1:
 *       amoCRM allows about 7 a second per integration, answers above it with HTTP 429, and blocks the
 *       IP (HTTP 403) after repeated excess; one under the limit leaves room for the jitter of the
 *       network, so a 429 is rare and a block cannot happen. The connection's {@code rate-limit} wins.</li>
 * </ul>
 */
public record AmoCrmConnectorProperties(URI baseUrl, String accessToken, String webhookSecret, Long accountId,
                                        String clientSecret, Duration reconcileEvery, CrmHttpPolicy policy) {

    static final String BASE_URL = "base-url";
    static final String ACCESS_TOKEN = "access-token";
    static final String WEBHOOK_SECRET = "webhook-secret";
    static final String ACCOUNT_ID = "account-id";
    static final String CLIENT_SECRET = "client-secret";
    static final String RECONCILE_EVERY = "reconcile-every";
    static final Set<String> OWN_KEYS = Set.of(BASE_URL, ACCESS_TOKEN, WEBHOOK_SECRET, ACCOUNT_ID, CLIENT_SECRET,
            RECONCILE_EVERY);

    /** One under amoCRM's 7 requests a second. */
    static final CrmHttpPolicy DEFAULT_POLICY = CrmHttpPolicy.defaults(6, Duration.ofSeconds(1));
    static final Duration DEFAULT_RECONCILE_EVERY = Duration.ofHours(1);
    static final Set<String> ACCOUNT_DOMAINS = Set.of("amocrm.ru", "amocrm.com", "kommo.com");

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Reads the options; throws {@link IllegalArgumentException} listing the {@link #problems} if any. */
    public static AmoCrmConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("amocrm connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        String url = settings.option(BASE_URL).trim();
        URI baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        String account = blankToNull(settings.option(ACCOUNT_ID));
        String reconcile = settings.option(RECONCILE_EVERY);
        return new AmoCrmConnectorProperties(baseUrl, settings.option(ACCESS_TOKEN).trim(),
                blankToNull(settings.option(WEBHOOK_SECRET)), account == null ? null : Long.parseLong(account),
                blankToNull(settings.option(CLIENT_SECRET)),
                reconcile == null ? DEFAULT_RECONCILE_EVERY : duration(reconcile.trim()),
                DEFAULT_POLICY.forConnection(settings));
    }

    /** Every problem of the options, in key order; empty when they are fine. */
    public static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>(CrmHttpPolicy.problems(settings.options()));
        String url = settings.option(BASE_URL);
        if (url == null || url.isBlank()) {
            problems.add(new SettingProblem(BASE_URL, "is required: the account's address, https://{subdomain}.amocrm.ru "
                    + "or https://{subdomain}.kommo.com"));
        } else {
            baseUrlProblem(url.trim()).ifPresent(problem -> problems.add(new SettingProblem(BASE_URL, problem)));
        }
        if (blankToNull(settings.option(ACCESS_TOKEN)) == null) {
            problems.add(new SettingProblem(ACCESS_TOKEN, "is required: the long-lived token of the account's private "
                    + "integration (Settings > Integrations > your integration > Keys and scopes > long-lived token)"));
        }
        String secret = settings.option(WEBHOOK_SECRET);
        if (secret != null && !secret.trim().matches("[A-Za-z0-9_-]{16,}")) {
            problems.add(new SettingProblem(WEBHOOK_SECRET, "must be at least 16 letters, digits, '-' or '_' "
                    + "(it is the secret path segment of the webhook URL)"));
        }
        String account = settings.option(ACCOUNT_ID);
        if (account != null && !account.trim().matches("\\d{1,18}")) {
            problems.add(new SettingProblem(ACCOUNT_ID, "must be the account's numeric id (got '" + account + "')"));
        }
        String reconcile = settings.option(RECONCILE_EVERY);
        if (reconcile != null) {
            try {
                duration(reconcile.trim());
            } catch (DateTimeException e) {
                problems.add(new SettingProblem(RECONCILE_EVERY, "must be an ISO-8601 duration such as PT1H, or 0 (got '"
                        + reconcile + "')"));
            }
        }
        problems.addAll(CrmHttpPolicy.unknownOptions(AmoCrmConnectorFactory.TYPE, settings.options().keySet(), OWN_KEYS));
        problems.sort(Comparator.comparing(SettingProblem::key));
        return problems;
    }

    static Optional<String> baseUrlProblem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a URL (got '" + url + "')");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("must be an https URL such as https://acme.amocrm.ru (got '" + url + "')");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = LOOPBACK.contains(host);
        if (scheme.equals("http") && !loopback) {
            return Optional.of("must be an https URL: amoCRM and Kommo answer on HTTPS only (got '" + url + "')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            return Optional.of("must be the account's address alone, without a path, ?query or #fragment, such as "
                    + "https://acme.amocrm.ru (got '" + url + "')");
        }
        if (!loopback && subdomainOf(host).isEmpty()) {
            return Optional.of("must be an account's address, https://{subdomain}.amocrm.ru or https://{subdomain}.kommo.com "
                    + "(got '" + url + "')");
        }
        return Optional.empty();
    }

    /** {@code acme} of {@code acme.amocrm.ru}; empty for other hosts. */
    static Optional<String> subdomainOf(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        for (String domain : ACCOUNT_DOMAINS) {
            String suffix = "." + domain;
            if (lower.endsWith(suffix)) {
                String sub = lower.substring(0, lower.length() - suffix.length());
                return sub.matches("[a-z0-9][a-z0-9-]*") ? Optional.of(sub) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The account's subdomain as base-url names it; empty for a local fake. */
    public Optional<String> subdomain() {
        return subdomainOf(baseUrl.getHost());
    }

    private static Duration duration(String text) {
        Duration value = text.equals("0") ? Duration.ZERO : Duration.parse(text);
        if (value.isNegative()) {
            throw new DateTimeException("negative");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Never shows the token or the secrets. */
    @Override
    public String toString() {
        return "AmoCrmConnectorProperties[baseUrl=" + baseUrl + ", accessToken=***, webhookSecret="
                + (webhookSecret == null ? "none" : "***") + ", accountId=" + accountId + ", clientSecret="
                + (clientSecret == null ? "none" : "***") + ", reconcileEvery=" + reconcileEvery + ", rateLimit="
                + policy.rateLimit().text() + "]";
    }
}
