package io.planpilot.connector.support;

import feign.RequestTemplate;
import feign.Response;
import feign.Util;
import feign.codec.Decoder;
import feign.codec.Encoder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Feign's JSON encoder and decoder on Jackson 3. Decoding failures become a
 * {@link CrmResponseException} naming the connector type, the endpoint and the JSON path of the
 * field, for example {@code example GET /api/deals: field items[3].value: expected a number, got "abc"}.
 * Unknown properties are ignored (CRMs add fields); a missing or empty body decodes to null.
 */
public final class JacksonCodec implements Encoder, Decoder {

    private final JsonMapper mapper;
    private final String connectorType;

    public JacksonCodec(String connectorType) {
        this(connectorType, defaultMapper());
    }

    public JacksonCodec(String connectorType, JsonMapper mapper) {
        this.connectorType = connectorType;
        this.mapper = mapper;
    }

    /** The mapper connectors share: lenient about unknown properties, strict about types. */
    public static JsonMapper defaultMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * {@link #defaultMapper()} that also reads an empty string as null: for CRMs that send {@code ""}
     * for a missing number or date (Bitrix24, Pipedrive).
     */
    public static JsonMapper emptyStringsAsNullMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .withCoercionConfigDefaults(config -> config.setCoercion(
                        tools.jackson.databind.cfg.CoercionInputShape.EmptyString, tools.jackson.databind.cfg.CoercionAction.AsNull))
                .build();
    }

    public JsonMapper mapper() {
        return mapper;
    }

    @Override
    public void encode(Object object, Type bodyType, RequestTemplate template) {
        template.header("Content-Type", "application/json");
        template.body(mapper.writeValueAsBytes(object), StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(Response response, Type type) throws IOException {
        String endpoint = CrmClients.endpointOf(response.request());
        if (response.body() == null || response.status() == 204) {
            return null;
        }
        byte[] body = Util.toByteArray(response.body().asInputStream());
        if (body.length == 0) {
            return null;
        }
        if (type == String.class) {
            return new String(body, StandardCharsets.UTF_8);
        }
        if (type == byte[].class) {
            return body;
        }
        JavaType target = mapper.constructType(type);
        try {
            return mapper.readValue(body, target);
        } catch (JacksonException e) {
            throw failure(connectorType, endpoint, e);
        }
    }

    /** The {@link CrmResponseException} for a Jackson failure while reading {@code endpoint}'s answer. */
    public static CrmResponseException failure(String connectorType, String endpoint, JacksonException e) {
        return new CrmResponseException(connectorType, endpoint, path(e), problem(e), e);
    }

    /** {@code items[3].value}: the path Jackson reports, else where the parser stood. */
    static String path(JacksonException e) {
        List<JacksonException.Reference> references = e.getPath();
        if (references != null && !references.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JacksonException.Reference reference : references) {
                if (reference.getPropertyName() != null) {
                    if (!path.isEmpty()) {
                        path.append('.');
                    }
                    path.append(reference.getPropertyName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.toString();
        }
        if (e.processor() instanceof JsonParser parser) {
            TokenStreamContext context = parser.streamReadContext();
            if (context != null) {
                return fromPointer(context.pathAsPointer());
            }
        }
        return null;
    }

    private static String fromPointer(JsonPointer pointer) {
        StringBuilder path = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            if (p.mayMatchElement()) {
                path.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(p.getMatchingProperty());
            }
        }
        return path.toString();
    }

    private static String problem(JacksonException e) {
        if (e instanceof InvalidFormatException invalid) {
            return "expected " + kind(invalid.getTargetType()) + ", got " + shown(invalid.getValue());
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return "expected " + kind(mismatched.getTargetType()) + ", got "
                    + (mismatched.getCurrentToken() == null ? "something else" : token(mismatched));
        }
        if (e instanceof StreamReadException) {
            return "the CRM's answer is not valid JSON (" + firstLine(e.getOriginalMessage()) + ")";
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String token(MismatchedInputException e) {
        return switch (e.getCurrentToken()) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> e.getCurrentToken().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class || type == double.class
                || type == float.class || type == short.class || type == BigDecimal.class || type == BigInteger.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == java.time.LocalDate.class) {
            return "a date";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a date-time";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    private static String shown(Object value) {
        return value instanceof String text ? "\"" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "\""
                : String.valueOf(value);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
