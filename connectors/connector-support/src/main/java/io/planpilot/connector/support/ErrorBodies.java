package io.planpilot.connector.support;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Optional;

/** Reading a CRM's error answer: a JSON object when it is one (gateways answer HTML or nothing). */
public final class ErrorBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorBodies() {
    }

    /** The body as a JSON object; empty when it is blank, not JSON, or JSON of another shape. */
    public static Optional<JsonNode> object(String body) {
        if (body == null || body.isBlank() || !body.strip().startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
