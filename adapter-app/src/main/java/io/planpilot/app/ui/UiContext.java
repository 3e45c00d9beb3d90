package io.planpilot.app.ui;

import org.springframework.web.util.UriComponentsBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every page of one request shares: the visitor's grant, the language, and the query the figures
 * are for ({@code period}, {@code connection}, {@code asOf} as asked). Every link and form on the page
 * is built here, so each carries the signed link's {@code t} (and the language with it) and the query.
 *
 * @param period     the period as asked (null: this month)
 * @param connection the connection the figures are for (forced by a connection grant); null for all
 * @param asOf       the moment as asked (null: now)
 * @param currency   the base currency
 * @param connections the connections the visitor may pick from (empty when forced)
 */
public record UiContext(UiGrant grant, Messages m, String period, String connection, String asOf, String currency,
                        List<String> connections) {

    /** The parameters every link carries. */
    private Map<String, String> carried() {
        Map<String, String> params = new LinkedHashMap<>();
        if (grant.token() != null) {
            params.put(UiAccess.TOKEN_PARAMETER, grant.token());
            params.put("lang", m.lang());
        }
        put(params, "period", period);
        if (grant.forcedConnection() == null) {
            put(params, "connection", connection);
        }
        put(params, "asOf", asOf);
        return params;
    }

    /** A link to a page of the dashboard with the carried parameters and these (name, value, ...; a null value removes one). */
    public String href(String path, String... nameValues) {
        Map<String, String> params = carried();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            if (nameValues[i + 1] == null) {
                params.remove(nameValues[i]);
            } else {
                params.put(nameValues[i], nameValues[i + 1]);
            }
        }
        UriComponentsBuilder builder = UriComponentsBuilder.fromPath(path);
        List<Object> values = new ArrayList<>();
        params.forEach((name, value) -> {
            builder.queryParam(name, "{v" + values.size() + "}");
            values.add(value);
        });
        return builder.encode().buildAndExpand(values.toArray()).toUriString();
    }

    /** The hidden fields a form carries (the link's token and language, the moment; the pickers are the form's own). */
    public Map<String, String> hidden() {
        Map<String, String> fields = new LinkedHashMap<>();
        if (grant.token() != null) {
            fields.put(UiAccess.TOKEN_PARAMETER, grant.token());
            fields.put("lang", m.lang());
        }
        put(fields, "asOf", asOf);
        return fields;
    }

    /** The same page in the other language. */
    public String otherLang() {
        return Messages.RU.equals(m.lang()) ? Messages.EN : Messages.RU;
    }

    public boolean connectionPicker() {
        return grant.forcedConnection() == null && connections.size() > 1;
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (value != null && !value.isBlank()) {
            params.put(name, value);
        }
    }
}
