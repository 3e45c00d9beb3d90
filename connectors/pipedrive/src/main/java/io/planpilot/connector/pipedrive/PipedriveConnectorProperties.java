package io.planpilot.connector.pipedrive;

import io.planpilot.connector.support.CrmHttpPolicy;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The options of a {@code pipedrive} connection, parsed and checked once (no network call):
 * <ul>
 *   <li>{@code base-url} ({@code https://api.pipedrive.com}): where the API answers; the company's own
 *       domain ({@code https://acme.pipedrive.com}) works too. HTTPS only; plain {@code http} is accepted
 *       for {@code localhost} and {@code 127.0.0.1}, where only a local fake can be.</li>
 *   <li>{@code api-token} (required): the personal API token (Settings &gt; Personal preferences &gt; API),
 *       sent as the {@code x-api-token} header, never in the URL.</li>
 *   <li>{@code webhook-username}, {@code webhook-password}: the HTTP Basic credentials entered on each
 *       webhook (Settings &gt; Tools and apps &gt; Webhooks); a callback without them is refused (401).
 *       One without the other is a configuration error.</li>
 *   <li>{@code flow-calls-per-read} ({@code 200}): how many deals' flows ({@code GET /v1/deals/{id}/flow},
 *       one request of 40 tokens per deal) one read may ask for, to get the stages a deal passed through;
 *       only deals whose stage changed within the read's window are asked for. {@code 0}: none.</li>
 *   <li>the shared HTTP options of {@link CrmHttpPolicy}. The default limit is 18 requests per 2 seconds,
 *       nine tenths of the burst window of Pipedrive's smallest plan for an API token (20), since the
 *       user's work in the web app counts against the same token; larger plans allow more
 *       ({@code rate-limit: {requests: 36, per: PT2S}} and up). The connection's {@code rate-limit} wins.</li>
 * </ul>
 */
public record PipedriveConnectorProperties(URI baseUrl, String apiToken, String webhookUsername, String webhookPassword,
                                           int flowCallsPerRead, CrmHttpPolicy policy) {

    static final String BASE_URL = "base-url";
    static final String API_TOKEN = "api-token";
    static final String WEBHOOK_USERNAME = "webhook-username";
    static final String WEBHOOK_PASSWORD = "webhook-password";
    static final String FLOW_CALLS_PER_READ = "flow-calls-per-read";
    static final Set<String> OWN_KEYS = Set.of(BASE_URL, API_TOKEN, WEBHOOK_USERNAME, WEBHOOK_PASSWORD, FLOW_CALLS_PER_READ);

    static final String DEFAULT_BASE_URL = "https://api.pipedrive.com";
    static final int DEFAULT_FLOW_CALLS_PER_READ = 200;
    /**
     * 18 requests per 2 seconds: Pipedrive's burst window for an API token on its smallest plan is 20,
     * and the user's own work in Pipedrive's web app counts against the same token; two in ten are left
     * for it, so the answers' headers seldom make a call wait for the window's reset.
     */
    static final CrmHttpPolicy DEFAULT_POLICY = CrmHttpPolicy.defaults(18, Duration.ofSeconds(2));

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String TOKEN_MENU = "Pipedrive: Settings > Personal preferences > API";

    /** Reads the options; throws {@link IllegalArgumentException} listing the {@link #problems} if any. */
    public static PipedriveConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pipedrive connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        String url = blankToNull(settings.option(BASE_URL));
        String base = url == null ? DEFAULT_BASE_URL : url;
        String flows = blankToNull(settings.option(FLOW_CALLS_PER_READ));
        return new PipedriveConnectorProperties(URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base),
                settings.option(API_TOKEN).trim(), blankToNull(settings.option(WEBHOOK_USERNAME)),
                blankToNull(settings.option(WEBHOOK_PASSWORD)),
                flows == null ? DEFAULT_FLOW_CALLS_PER_READ : Integer.parseInt(flows),
                DEFAULT_POLICY.forConnection(settings));
    }

    /** Every problem of the options, in key order; empty when they are fine. */
    public static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>(CrmHttpPolicy.problems(settings.options()));
        String url = settings.option(BASE_URL);
        if (url != null) {
            urlProblem(url.trim()).ifPresent(problem -> problems.add(new SettingProblem(BASE_URL, problem)));
        }
        String token = settings.option(API_TOKEN);
        if (token == null || token.isBlank()) {
            problems.add(new SettingProblem(API_TOKEN, "is required: the personal API token (" + TOKEN_MENU + ")"));
        } else if (token.trim().matches(".*\\s.*")) {
            problems.add(new SettingProblem(API_TOKEN, "must be the token alone, without spaces"));
        }
        boolean user = blankToNull(settings.option(WEBHOOK_USERNAME)) != null;
        boolean password = blankToNull(settings.option(WEBHOOK_PASSWORD)) != null;
        if (user && !password) {
            problems.add(new SettingProblem(WEBHOOK_PASSWORD, "is required with " + WEBHOOK_USERNAME
                    + " (the HTTP Basic password entered on the Pipedrive webhooks)"));
        }
        if (password && !user) {
            problems.add(new SettingProblem(WEBHOOK_USERNAME, "is required with " + WEBHOOK_PASSWORD
                    + " (the HTTP Basic user entered on the Pipedrive webhooks)"));
        }
        String flows = settings.option(FLOW_CALLS_PER_READ);
        if (flows != null && !flows.trim().matches("\\d{1,7}")) {
            problems.add(new SettingProblem(FLOW_CALLS_PER_READ, "must be a whole number of at least 0 (got '" + flows + "')"));
        }
        problems.addAll(CrmHttpPolicy.unknownOptions(PipedriveConnectorFactory.TYPE, settings.options().keySet(), OWN_KEYS));
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
            return Optional.of("must be an https URL: Pipedrive answers HTTPS only (got '" + url + "')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || (uri.getRawPath() != null
                && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            return Optional.of("must be the API's address alone, without a path, ?query or #fragment, such as "
                    + DEFAULT_BASE_URL + " (got '" + url + "')");
        }
        return Optional.empty();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Whether webhooks can be verified: both Basic credentials are set. */
    public boolean webhooksConfigured() {
        return webhookUsername != null && webhookPassword != null;
    }

    /** Never shows the token or the webhook password. */
    @Override
    public String toString() {
        return "PipedriveConnectorProperties[baseUrl=" + baseUrl + ", apiToken=***, webhookUsername=" + webhookUsername
                + ", webhookPassword=" + (webhookPassword == null ? "none" : "***") + ", flowCallsPerRead="
                + flowCallsPerRead + ", rateLimit=" + policy.rateLimit().text() + "]";
    }
}
