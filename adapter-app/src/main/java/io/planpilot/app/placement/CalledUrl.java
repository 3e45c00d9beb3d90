package io.planpilot.app.placement;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Addresses as a CRM sees the adapter: {@code adapter.public-base-url} (behind a proxy) followed by
 * the path, or, without one, the address as received.
 */
final class CalledUrl {

    private CalledUrl() {
    }

    /** The URL the CRM called, query included. */
    static String of(String publicBaseUrl, ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        return base(publicBaseUrl, request) + request.getPath().pathWithinApplication().value() + (query == null ? "" : "?" + query);
    }

    /** The adapter's own address ({@code https://planpilot.example.com}), without a trailing slash. */
    static String base(String publicBaseUrl, ServerHttpRequest request) {
        if (publicBaseUrl == null || publicBaseUrl.isEmpty()) {
            java.net.URI uri = request.getURI();
            return uri.getScheme() + "://" + uri.getRawAuthority();
        }
        return publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }
}
