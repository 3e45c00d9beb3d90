package io.planpilot.core.connector;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A CRM callback as it arrived: what a connector needs to verify its signature or token and to
 * parse it. {@code url} is the URL as the CRM called it ({@code adapter.public-base-url} when set);
 * header names are lower case.
 */
public record WebhookRequest(String method, String url, Map<String, List<String>> headers, byte[] body,
                             Instant receivedAt) {

    public WebhookRequest {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
