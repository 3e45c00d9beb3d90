package io.planpilot.app.amocrm;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.ConnectionConfig;
import io.planpilot.connector.amocrm.AmoCrmConnectorProperties;

import java.net.URI;
import java.util.Locale;

/**
 * What the widget backend knows of one {@code amocrm} connection: the account's address (the only
 * origin its widget's script runs on), its subdomain and id (a token must name them), and the
 * private integration's secret key that signs the widget's {@code X-Auth-Token}.
 *
 * @param connection   the connection id
 * @param origin       {@code https://acme.amocrm.ru}: base-url's scheme, host and port
 * @param subdomain    {@code acme}; null for a local fake of the account (a loopback base-url)
 * @param accountId    the {@code account-id} option; null when not set
 * @param clientSecret the {@code client-secret} option; null when not set (then every token is refused)
 */
record WidgetAccount(String connection, String origin, String subdomain, Long accountId, String clientSecret) {

    static final String TYPE = "amocrm";

    static WidgetAccount of(ConnectionConfig connection, AdapterConfig config) {
        AmoCrmConnectorProperties properties = AmoCrmConnectorProperties.of(
                connection.settings(config.timeZone(), config.baseCurrency()));
        return new WidgetAccount(connection.id(), origin(properties.baseUrl()), properties.subdomain().orElse(null),
                properties.accountId(), properties.clientSecret());
    }

    /** {@code scheme://host[:port]}, in lower case, as a browser sends it in {@code Origin}. */
    static String origin(URI url) {
        String origin = url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost().toLowerCase(Locale.ROOT);
        return url.getPort() == -1 ? origin : origin + ":" + url.getPort();
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "WidgetAccount[connection=" + connection + ", origin=" + origin + ", subdomain=" + subdomain
                + ", accountId=" + accountId + ", clientSecret=" + (clientSecret == null ? "none" : "***") + "]";
    }
}
