package io.planpilot.connector.bitrix24;

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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The options of a {@code bitrix24} connection, parsed and checked once (no network call):
 * <ul>
 *   <li>{@code base-url} (required): the portal's incoming-webhook URL,
 *       {@code https://{portal}/rest/{userId}/{secret}/}, as Bitrix24 shows it under
 *       <i>Applications &gt; Developer resources &gt; Common use cases &gt; Other &gt; Inbound webhook</i>. HTTPS only (Bitrix24 refuses
 *       plain HTTP with {@code INVALID_REQUEST}); plain {@code http} is accepted for {@code localhost} and
 *       {@code 127.0.0.1}, where only a local fake of the portal can be.</li>
 *   <li>{@code application-token}: the token Bitrix24 shows for the outgoing webhook (several,
 *       comma-separated, when the events come through several outgoing webhooks); callbacks whose
 *       {@code auth[application_token]} is none of them are refused. Without it every callback is refused.</li>
 *   <li>{@code app-client-id}, {@code app-client-secret}: a local application's OAuth credentials (the
 *       dashboard placements use them). With {@code app-client-id} set, notifications carry a
 *       {@code TAG}, so that a repeated notification replaces the first instead of showing twice
 *       (Bitrix24 takes {@code TAG} from a webhook only together with {@code CLIENT_ID}).</li>
 *   <li>{@code product-rows} ({@code true}): read each deal's product rows ({@code crm.deal.productrows.get},
 *       one command per deal, 50 deals per {@code batch} request). {@code false} saves those requests
 *       on portals that keep no products in deals; the product dimension then comes from
 *       {@code dimensions.product}.</li>
 *   <li>{@code reconcile-every} ({@code PT1H}): how often a read lists every deal and activity id to
 *       catch deletions whose {@code ONCRMDEALDELETE}/{@code ONCRMACTIVITYDELETE} event was missed
 *       (Bitrix24 does not resend events). A read reconciles when its window crosses a multiple of
 *       this duration (counted from the epoch), and always when it is a full read; {@code 0}
 *       reconciles on every read.</li>
 *   <li>the shared HTTP options of {@link CrmHttpPolicy} ({@code rate-limit.*}, {@code retry.*},
 *       {@code timeout.*}, {@code circuit-breaker.*}, {@code sync.safety-delay}). The default limit is
 *       the one Bitrix24 documents for all plans but Enterprise: 2 requests per second (its leaky
 *       bucket drains 2 a second and blocks above 50); Enterprise portals allow 5 a second, set
 *       {@code rate-limit: {requests: 5, per: PT1S}} there. The connection's {@code rate-limit} wins.</li>
 * </ul>
 *
 * @param baseUrl          the webhook URL, ending in {@code /}
 * @param applicationToken the outgoing webhook's token, or null
 * @param appClientId      the local application's client id, or null
 * @param appClientSecret  the local application's client secret, or null
 */
public record Bitrix24ConnectorProperties(URI baseUrl, String applicationToken, String appClientId,
                                          String appClientSecret, boolean productRows, Duration reconcileEvery,
                                          CrmHttpPolicy policy) {

    static final String BASE_URL = "base-url";
    static final String APPLICATION_TOKEN = "application-token";
    static final String APP_CLIENT_ID = "app-client-id";
    static final String APP_CLIENT_SECRET = "app-client-secret";
    static final String PRODUCT_ROWS = "product-rows";
    static final String RECONCILE_EVERY = "reconcile-every";
    static final Set<String> OWN_KEYS = Set.of(BASE_URL, APPLICATION_TOKEN, APP_CLIENT_ID, APP_CLIENT_SECRET,
            PRODUCT_ROWS, RECONCILE_EVERY);

    /** Bitrix24's documented request rate for every plan but Enterprise: 2 a second. */
    static final CrmHttpPolicy DEFAULT_POLICY = CrmHttpPolicy.defaults(2, Duration.ofSeconds(1));
    static final Duration DEFAULT_RECONCILE_EVERY = Duration.ofHours(1);

    /** {@code /rest/{userId}/{secret}/}: the path of an incoming webhook. */
    private static final Pattern WEBHOOK_PATH = Pattern.compile("/rest/(\\d+)/([A-Za-z0-9_-]+)/?");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Reads the options; throws {@link IllegalArgumentException} listing the {@link #problems} if any. */
    public static Bitrix24ConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bitrix24 connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        String url = settings.option(BASE_URL).trim();
        URI baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
        String reconcile = settings.option(RECONCILE_EVERY);
        return new Bitrix24ConnectorProperties(baseUrl, blankToNull(settings.option(APPLICATION_TOKEN)),
                blankToNull(settings.option(APP_CLIENT_ID)), blankToNull(settings.option(APP_CLIENT_SECRET)),
                !"false".equalsIgnoreCase(trim(settings.option(PRODUCT_ROWS))),
                reconcile == null ? DEFAULT_RECONCILE_EVERY : duration(reconcile.trim()),
                DEFAULT_POLICY.forConnection(settings));
    }

    /** Every problem of the options, in key order; empty when they are fine. */
    public static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>(CrmHttpPolicy.problems(settings.options()));
        String url = settings.option(BASE_URL);
        if (url == null || url.isBlank()) {
            problems.add(new SettingProblem(BASE_URL, "is required: the incoming webhook's URL, "
                    + "https://{portal}/rest/{userId}/{secret}/ (Applications > Developer resources > Common use cases > Other > Inbound webhook)"));
        } else {
            webhookUrlProblem(url.trim()).ifPresent(problem -> problems.add(new SettingProblem(BASE_URL, problem)));
        }
        String rows = settings.option(PRODUCT_ROWS);
        if (rows != null && !rows.trim().equalsIgnoreCase("true") && !rows.trim().equalsIgnoreCase("false")) {
            problems.add(new SettingProblem(PRODUCT_ROWS, "must be true or false (got '" + rows + "')"));
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
        if (blankToNull(settings.option(APP_CLIENT_SECRET)) != null && blankToNull(settings.option(APP_CLIENT_ID)) == null) {
            problems.add(new SettingProblem(APP_CLIENT_ID, "is required with " + APP_CLIENT_SECRET
                    + " (the local application's client id, from its card under Applications > Developer resources)"));
        }
        problems.addAll(CrmHttpPolicy.unknownOptions(Bitrix24ConnectorFactory.TYPE, settings.options().keySet(), OWN_KEYS));
        problems.sort(Comparator.comparing(SettingProblem::key));
        return problems;
    }

    /** What is wrong with {@code url} as an incoming-webhook URL, if anything. */
    static java.util.Optional<String> webhookUrlProblem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of("is not a URL (got '" + masked(url) + "')");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return java.util.Optional.of("must be an https URL (got '" + masked(url) + "')");
        }
        if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return java.util.Optional.of("must be an https URL: Bitrix24 answers plain HTTP with INVALID_REQUEST (got '"
                    + masked(url) + "')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return java.util.Optional.of("must be the webhook URL alone, without ?query or #fragment");
        }
        Matcher path = WEBHOOK_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!path.matches()) {
            return java.util.Optional.of("must be an incoming webhook's URL, ending in /rest/{userId}/{secret}/ "
                    + "such as https://acme.bitrix24.com/rest/1/xxxxxxxx/ (got '" + masked(url) + "')");
        }
        return java.util.Optional.empty();
    }

    /** The webhook URL with its secret replaced by {@code ***}, for messages and logs. */
    static String masked(String url) {
        return url == null ? null : url.replaceAll("/rest/(\\d+)/[^/?#]+", "/rest/$1/***");
    }

    /** The portal's address: {@code https://acme.bitrix24.com}. */
    public String portal() {
        return baseUrl.getScheme() + "://" + baseUrl.getRawAuthority();
    }

    private static Duration duration(String text) {
        Duration value = text.equals("0") ? Duration.ZERO : Duration.parse(text);
        if (value.isNegative()) {
            throw new DateTimeException("negative");
        }
        return value;
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Never shows the webhook's secret, the application token or the client secret. */
    @Override
    public String toString() {
        return "Bitrix24ConnectorProperties[baseUrl=" + masked(baseUrl.toString()) + ", applicationToken="
                + (applicationToken == null ? "none" : "***") + ", appClientId=" + appClientId + ", appClientSecret="
                + (appClientSecret == null ? "none" : "***") + ", productRows=" + productRows + ", reconcileEvery="
                + reconcileEvery + ", rateLimit=" + policy.rateLimit().text() + "]";
    }
}
