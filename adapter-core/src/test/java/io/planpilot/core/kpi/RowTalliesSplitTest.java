package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.reference.RandomCrm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A scan split over two threads and merged gives exactly the figures of one scan. */
class RowTalliesSplitTest {

    private final int before = RowTallies.splitAbove;

    @AfterEach
    void restore() {
        RowTallies.splitAbove = before;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void splitAndMergedIsTheSameAsWhole(long seed) {
        RandomCrm crm = RandomCrm.generate(seed);
        KpiSnapshot snapshot = KpiSnapshot.of(crm.data(), crm.settings(), crm.plan());

        RowTallies.splitAbove = Integer.MAX_VALUE;
        List<Object> whole = figures(snapshot, crm);
        RowTallies.splitAbove = 0;
        List<Object> split = figures(snapshot, crm);

        assertThat(split).isEqualTo(whole);
    }

    private static List<Object> figures(KpiSnapshot snapshot, RandomCrm crm) {
        KpiEngine engine = new KpiEngine(snapshot);
        List<Object> figures = new ArrayList<>();
        for (KpiQuery query : crm.queries()) {
            for (Dimension dimension : Dimension.values()) {
                figures.add(engine.breakdown(query, dimension));
                figures.add(engine.capacity(query, dimension));
            }
            figures.add(engine.reps(query));
        }
        return figures;
    }
}
