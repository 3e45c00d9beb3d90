package io.planpilot.app.webhook;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code reason} tag of rejected callbacks keeps a bounded number of values. */
class WebhookMetricsTest {

    @Test
    void theReasonTagIsTheGistOfTheReasonWithoutNumbers() {
        assertThat(WebhookMetrics.gist("X-Hook-Token is wrong")).isEqualTo("X-Hook-Token is wrong");
        assertThat(WebhookMetrics.gist("signed at 1764230400, received at 1764230999: more than 5 minutes apart"))
                .isEqualTo("signed at #, received at #");
        assertThat(WebhookMetrics.gist("X-Example-Signature does not match the body (wrong webhook-secret, or forged)"))
                .isEqualTo("X-Example-Signature does not match the body");
        assertThat(WebhookMetrics.gist(null)).isEqualTo("unspecified");
        assertThat(WebhookMetrics.gist("  ")).isEqualTo("unspecified");
    }

    @Test
    void aConnectionKeepsAtMostTwentyReasonsThenOther() {
        WebhookMetrics metrics = new WebhookMetrics(new SimpleMeterRegistry());
        for (int i = 0; i < WebhookMetrics.REASONS_PER_CONNECTION; i++) {
            assertThat(metrics.reasonTag("crm", "reason " + (char) ('a' + i))).isEqualTo("reason " + (char) ('a' + i));
        }

        assertThat(metrics.reasonTag("crm", "yet another")).isEqualTo("other");
        assertThat(metrics.reasonTag("crm", "reason a")).isEqualTo("reason a");
        assertThat(metrics.reasonTag("other-crm", "yet another")).isEqualTo("yet another");
    }
}
