package io.planpilot.core.connector;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WriteRoutingTest {

    private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");
    private static final CrmWrite.Notification NOTE =
            new CrmWrite.Notification("k1", "u7", "Plan at risk: West is at 71%\nDetails follow");

    @Test
    void aNotificationGoesAsItIsWhereTheCrmNotifies() {
        Capabilities can = new Capabilities(true, true, true, true, true, true, true, true);

        assertThat(WriteRouting.fit(NOTE, can, NOW)).contains(NOTE);
    }

    @Test
    void withoutNotificationsTheUserGetsATaskWithTheSameKey() {
        Capabilities can = new Capabilities(true, true, true, true, true, true, false, true);

        assertThat(WriteRouting.fit(NOTE, can, NOW)).contains(new CrmWrite.Task("k1", "u7", null,
                "Plan at risk: West is at 71%", NOTE.text(), NOW));
    }

    @Test
    void aCrmThatTakesNoWritesTakesNothing() {
        Capabilities can = Capabilities.readOnly(true, true);

        assertThat(WriteRouting.fit(NOTE, can, NOW)).isEmpty();
        assertThat(WriteRouting.fit(new CrmWrite.Comment("k2", "d1", "Call them"), can, NOW)).isEmpty();
        assertThat(WriteRouting.fit(new CrmWrite.Task("k3", "u1", "d1", "Call", "Call them", NOW), can, NOW)).isEmpty();
    }
}
