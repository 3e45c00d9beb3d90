package io.planpilot.core.kpi;

/** A query parameter that is missing or wrong; the API answers 400 naming it. */
public class KpiParameterException extends IllegalArgumentException {
    private final String parameter;

    public KpiParameterException(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
