package io.planpilot.app.webhook;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The URL a connector checks a signature against is the one the CRM called. */
class WebhookUrlTest {

    private final MockServerHttpRequest request = MockServerHttpRequest
            .method(org.springframework.http.HttpMethod.POST, java.net.URI.create("http://10.0.0.5:8080/webhooks/hub/s3cret?portal=a%20b&x=1"))
            .build();

    @Test
    void withoutAPublicBaseUrlItIsTheUrlAsReceived() {
        assertThat(WebhookController.calledUrl("", request)).isEqualTo("http://10.0.0.5:8080/webhooks/hub/s3cret?portal=a%20b&x=1");
    }

    @Test
    void behindAProxyItIsThePublicBaseUrlWithThePathAndQueryAsReceived() {
        assertThat(WebhookController.calledUrl("https://planpilot.example.com/", request))
                .isEqualTo("https://planpilot.example.com/webhooks/hub/s3cret?portal=a%20b&x=1");
        assertThat(WebhookController.calledUrl("https://example.com/planpilot", request))
                .isEqualTo("https://example.com/planpilot/webhooks/hub/s3cret?portal=a%20b&x=1");
    }
}
