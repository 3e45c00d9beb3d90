package io.planpilot.core.kpi.reference;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.RepFigures;

import java.util.List;

/** The KPI calls, as both the engine and the reference answer them, so one diff and one set of invariants serve both. */
public interface Kpis {
    KpiFigures summary(KpiQuery q);

    List<BreakdownRow> breakdown(KpiQuery q, Dimension dimension);

    Funnel funnel(KpiQuery q, String pipeline);

    List<RepFigures> reps(KpiQuery q);

    List<CapacityRow> capacity(KpiQuery q, Dimension dimension);

    DataQuality dataQuality(KpiQuery q);
}
