package io.planpilot.connector.support;

import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteMarkerTest {

    @Test
    void aMarkedTextCarriesItsKeyInPlainTextAndInHtml() {
        String marked = WriteMarker.mark("Call the customer\n", "stale-deal:b24:42:2026-11-01");

        assertThat(marked).isEqualTo("Call the customer\n\nplanpilot:stale-deal:b24:42:2026-11-01");
        assertThat(WriteMarker.keyIn(marked)).contains("stale-deal:b24:42:2026-11-01");
        assertThat(WriteMarker.carries(marked, "stale-deal:b24:42:2026-11-01")).isTrue();
        assertThat(WriteMarker.carries(marked, "stale-deal:b24:42")).isFalse();
        assertThat(WriteMarker.keyIn("<p>Call back</p><p>planpilot:k-2</p>")).contains("k-2");
        assertThat(WriteMarker.keyIn("quoted planpilot:k-1 then\nplanpilot:k-3")).contains("k-3");
        assertThat(WriteMarker.keyIn("written by hand; see planpilot.io")).isEmpty();
        assertThat(WriteMarker.keyIn("xplanpilot:k-4")).isEmpty();
        assertThat(WriteMarker.mark(null, "k")).isEqualTo("planpilot:k");
    }

    @Test
    void aKeyAMarkerCannotCarryIsRefusedNamingTheCrm() {
        assertThatThrownBy(() -> WriteMarker.requireKey("amocrm", new CrmWrite.Comment("two words", "1", "text")))
                .isInstanceOf(ConnectorException.class).hasMessageStartingWith("amocrm write: the idempotency key");
        assertThatThrownBy(() -> WriteMarker.requireKey("hubspot", new CrmWrite.Comment("<b>", "1", "text")))
                .isInstanceOf(ConnectorException.class);
        WriteMarker.requireKey("bitrix24", new CrmWrite.Comment("plan-at-risk:all:2026-11:r17", "1", "text"));
    }
}
