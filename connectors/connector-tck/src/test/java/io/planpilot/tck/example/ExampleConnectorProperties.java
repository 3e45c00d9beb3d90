package io.planpilot.tck.example;

import io.planpilot.connector.support.CrmHttpPolicy;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The options of an {@code example} connection:
 * <ul>
 *   <li>{@code base-url} (required): the account's API address, {@code https://acme.example-crm.test};</li>
 *   <li>{@code token} (required): the API token, sent as {@code Authorization: Bearer <token>};</li>
 *   <li>{@code webhook-secret}: the secret the CRM signs callbacks with; without it callbacks are refused;</li>
 *   <li>the shared HTTP options of {@link CrmHttpPolicy} ({@code rate-limit.*}, {@code retry.*},
 *       {@code timeout.*}, {@code circuit-breaker.*}, {@code sync.safety-delay}). The CRM documents
 *       20 requests per second per account: that is the default limit.</li>
 * </ul>
 */
record ExampleConnectorProperties(URI baseUrl, String token, String webhookSecret, CrmHttpPolicy policy) {

    static final String BASE_URL = "base-url";
    static final String TOKEN = "token";
    static final String WEBHOOK_SECRET = "webhook-secret";
    static final Set<String> OWN_KEYS = Set.of(BASE_URL, TOKEN, WEBHOOK_SECRET);

    /** The CRM's documented limit. */
    static final CrmHttpPolicy DEFAULT_POLICY = CrmHttpPolicy.defaults(20, Duration.ofSeconds(1));

    static ExampleConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("example connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        String secret = settings.option(WEBHOOK_SECRET);
        return new ExampleConnectorProperties(URI.create(settings.option(BASE_URL).trim()), settings.option(TOKEN).trim(),
                secret == null || secret.isBlank() ? null : secret, DEFAULT_POLICY.forConnection(settings));
    }

    static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>(CrmHttpPolicy.problems(settings.options()));
        String url = settings.option(BASE_URL);
        if (url == null || url.isBlank()) {
            problems.add(new SettingProblem(BASE_URL, "is required: the account's API address, such as https://acme.example-crm.test"));
        } else {
            try {
                URI uri = URI.create(url.trim());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problems.add(new SettingProblem(BASE_URL, "must be an http or https URL (got '" + url + "')"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new SettingProblem(BASE_URL, "is not a URL (got '" + url + "')"));
            }
        }
        String token = settings.option(TOKEN);
        if (token == null || token.isBlank()) {
            problems.add(new SettingProblem(TOKEN, "is required: the API token from the CRM's settings"));
        }
        settings.options().keySet().stream()
                .filter(key -> !OWN_KEYS.contains(key) && !CrmHttpPolicy.OPTION_KEYS.contains(key))
                .forEach(key -> problems.add(new SettingProblem(key, "unknown option of an example connection (known: "
                        + String.join(", ", OWN_KEYS.stream().sorted().toList()) + " and the HTTP options)")));
        problems.sort(Comparator.comparing(SettingProblem::key));
        return problems;
    }
}
