package io.planpilot.app.kpi;

import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiFigures;

import java.util.LinkedHashMap;
import java.util.Map;

/** KPI results in the API's JSON shape, names exactly as KPI.md and CONTRACT.md give them. */
final class KpiJson {

    private KpiJson() {
    }

    static Map<String, Object> figures(KpiFigures f) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("wonAmount", f.wonAmount());
        json.put("wonCount", f.wonCount());
        json.put("lostCount", f.lostCount());
        json.put("winRate", f.winRate());
        json.put("averageDeal", f.averageDeal());
        json.put("cycleDaysMean", f.cycleDaysMean());
        json.put("cycleDaysMedian", f.cycleDaysMedian());
        json.put("plan", f.plan());
        json.put("attainment", f.attainment());
        json.put("openCount", f.openCount());
        json.put("openAmount", f.openAmount());
        json.put("weightedPipeline", f.weightedPipeline());
        json.put("forecast", f.forecast());
        json.put("coverage", f.coverage());
        json.put("velocityPerDay", f.velocityPerDay());
        return json;
    }

    static Map<String, Object> funnel(Funnel funnel) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pipeline", funnel.pipeline());
        json.put("stages", funnel.stages());
        json.put("won", funnel.won());
        json.put("funnelWinRate", funnel.funnelWinRate());
        return json;
    }
}
