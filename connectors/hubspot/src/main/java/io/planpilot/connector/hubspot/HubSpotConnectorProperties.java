package io.planpilot.connector.hubspot;

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
 * The options of a {@code hubspot} connection, parsed and checked once (no network call):
 * <ul>
 *   <li>{@code base-url} ({@code https://api.hubapi.com}): HubSpot's API host; https only (plain http
 *       only for {@code localhost}/{@code 127.0.0.1}, where only a fake of HubSpot can be).</li>
 *   <li>{@code access-token} (required): the app's access token (a static-auth app's token, or a
 *       legacy private app's), sent as {@code Authorization: Bearer}.</li>
 *   <li>{@code client-secret}: the app's client secret, which signs the webhooks
 *       ({@code X-HubSpot-Signature-v3}); without it every callback is refused (401).</li>
 *   <li>{@code api-version} ({@code v3}): which set of API paths to call ({@link HubSpotApiPaths}): {@code v3}
 *       or the date version {@code 2026-03}.
 *       HubSpot moves to date-versioned paths and ends v3 in 2027; a new set is a new entry there,
 *       chosen here, not a change of the connector.</li>
 *   <li>{@code search-rate-limit.requests}, {@code search-rate-limit.per} (5 per {@code PT1S}): the
 *       CRM search endpoints' own limit, on top of the general one.</li>
 *   <li>the shared HTTP options of {@link CrmHttpPolicy}; the default limit is HubSpot's for private
 *       and static-auth apps: 100 requests per 10 seconds (spread evenly, so no rolling 10 s window
 *       holds more). Higher tiers allow more: set the connection's {@code rate-limit}.</li>
 * </ul>
 *
 * @param searchLimit the search endpoints' limit (burst 1)
 */
public record HubSpotConnectorProperties(URI baseUrl, String accessToken, String clientSecret, HubSpotApiPaths paths,
                                         CrmHttpPolicy.RateLimit searchLimit, CrmHttpPolicy policy) {

    static final String BASE_URL = "base-url";
    static final String ACCESS_TOKEN = "access-token";
    static final String CLIENT_SECRET = "client-secret";
    static final String API_VERSION = "api-version";
    static final String SEARCH_REQUESTS = "search-rate-limit.requests";
    static final String SEARCH_PER = "search-rate-limit.per";
    static final Set<String> OWN_KEYS = Set.of(BASE_URL, ACCESS_TOKEN, CLIENT_SECRET, API_VERSION, SEARCH_REQUESTS, SEARCH_PER);

    static final String DEFAULT_BASE_URL = "https://api.hubapi.com";
    /** HubSpot's documented limit for private and static-auth apps: 100 requests per 10 seconds. */
    static final CrmHttpPolicy DEFAULT_POLICY = CrmHttpPolicy.defaults(100, Duration.ofSeconds(10));
    /** The CRM search endpoints' documented limit: 5 requests per second. */
    static final CrmHttpPolicy.RateLimit DEFAULT_SEARCH_LIMIT = new CrmHttpPolicy.RateLimit(5, Duration.ofSeconds(1), 1);

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Reads the options; throws {@link IllegalArgumentException} listing the {@link #problems} if any. */
    public static HubSpotConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("hubspot connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        String url = blankToNull(settings.option(BASE_URL));
        URI baseUrl = URI.create(url == null ? DEFAULT_BASE_URL : stripSlash(url));
        String version = blankToNull(settings.option(API_VERSION));
        CrmHttpPolicy.RateLimit search = DEFAULT_SEARCH_LIMIT;
        if (settings.option(SEARCH_REQUESTS) != null) {
            search = new CrmHttpPolicy.RateLimit(Integer.parseInt(settings.option(SEARCH_REQUESTS).trim()),
                    Duration.parse(settings.option(SEARCH_PER).trim()), 1);
        }
        return new HubSpotConnectorProperties(baseUrl, settings.option(ACCESS_TOKEN).trim(),
                blankToNull(settings.option(CLIENT_SECRET)), HubSpotApiPaths.of(version == null ? HubSpotApiPaths.V3 : version)
                .orElseThrow(), search, DEFAULT_POLICY.forConnection(settings));
    }

    /** Every problem of the options, in key order; empty when they are fine. */
    public static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>(CrmHttpPolicy.problems(settings.options()));
        String url = settings.option(BASE_URL);
        if (url != null) {
            urlProblem(url.trim()).ifPresent(problem -> problems.add(new SettingProblem(BASE_URL, problem)));
        }
        if (blankToNull(settings.option(ACCESS_TOKEN)) == null) {
            problems.add(new SettingProblem(ACCESS_TOKEN, "is required: the HubSpot app's access token "
                    + "(the app's Auth tab in HubSpot: Development > Projects > your app > Auth > Access token)"));
        }
        String version = blankToNull(settings.option(API_VERSION));
        if (version != null && HubSpotApiPaths.of(version).isEmpty()) {
            problems.add(new SettingProblem(API_VERSION, "unknown API version '" + version + "' (known: "
                    + String.join(", ", HubSpotApiPaths.known()) + ")"));
        }
        String requests = settings.option(SEARCH_REQUESTS);
        String per = settings.option(SEARCH_PER);
        if (requests != null || per != null) {
            if (requests == null) {
                problems.add(new SettingProblem(SEARCH_REQUESTS, "is required with " + SEARCH_PER));
            } else if (!requests.trim().matches("[1-9]\\d{0,6}")) {
                problems.add(new SettingProblem(SEARCH_REQUESTS, "must be a whole number of at least 1 (got '" + requests + "')"));
            }
            if (per == null) {
                problems.add(new SettingProblem(SEARCH_PER, "is required with " + SEARCH_REQUESTS));
            } else {
                try {
                    Duration value = Duration.parse(per.trim());
                    if (value.isZero() || value.isNegative()) {
                        problems.add(new SettingProblem(SEARCH_PER, "must be a positive duration such as PT1S (got '" + per + "')"));
                    }
                } catch (DateTimeException e) {
                    problems.add(new SettingProblem(SEARCH_PER, "must be an ISO-8601 duration such as PT1S (got '" + per + "')"));
                }
            }
        }
        problems.addAll(CrmHttpPolicy.unknownOptions(HubSpotConnectorFactory.TYPE, settings.options().keySet(), OWN_KEYS));
        problems.sort(Comparator.comparing(SettingProblem::key));
        return problems;
    }

    static Optional<String> urlProblem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a URL (got '" + url + "')");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("must be an https URL such as " + DEFAULT_BASE_URL + " (got '" + url + "')");
        }
        if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return Optional.of("must be an https URL: HubSpot's API is served over HTTPS only (got '" + url + "')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of("must be the API host alone, without ?query or #fragment (got '" + url + "')");
        }
        return Optional.empty();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Never shows the token or the client secret. */
    @Override
    public String toString() {
        return "HubSpotConnectorProperties[baseUrl=" + baseUrl + ", accessToken=***, clientSecret="
                + (clientSecret == null ? "none" : "***") + ", apiVersion=" + paths.version() + ", rateLimit="
                + policy.rateLimit().text() + ", searchRateLimit=" + searchLimit.text() + "]";
    }
}
