package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RecordKeysTest {

    @Test
    void behavesLikeAMapThroughPutsOverwritesAndRemovals() {
        RecordKeys keys = new RecordKeys(4);
        Map<Long, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int step = 0; step < 200_000; step++) {
            long key = RecordKeys.of("c" + random.nextInt(3), Integer.toString(random.nextInt(20_000)));
            switch (random.nextInt(3)) {
                case 0, 1 -> {
                    int value = random.nextInt(1_000_000);
                    keys.put(key, value);
                    expected.put(key, value);
                }
                default -> {
                    Integer before = expected.remove(key);
                    assertThat(keys.remove(key)).isEqualTo(before == null ? -1 : before);
                }
            }
        }
        expected.forEach((key, value) -> assertThat(keys.get(key)).isEqualTo(value));
    }

    @Test
    void theSameIdInTwoConnectionsIsTwoKeys() {
        assertThat(RecordKeys.of("a", "17")).isNotEqualTo(RecordKeys.of("b", "17"));
        assertThat(RecordKeys.of("a", "1")).isNotEqualTo(RecordKeys.of("a1", ""));
        assertThat(RecordKeys.of("a", "17")).isEqualTo(RecordKeys.of("a", "17"));
    }
}
