package io.planpilot.connector.pipedrive;

import io.planpilot.core.connector.SyncWarning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The deal fields dictionary ({@code GET /v1/dealFields}) as the dimensions need it. Pipedrive keys a
 * custom field by a 40-character hash ({@code dcf558aac1ae4e8c4f849ba5e668430d8df9be12}) that says
 * nothing to an admin, so a dimension may name its field by the name shown in Pipedrive
 * ({@code region: Region}, matched ignoring case) or by its key. An option field (single or multiple
 * option) reads as its option's label.
 */
final class PipedriveFields {

    /** What a custom field's key looks like. */
    static final Pattern HASH_KEY = Pattern.compile("[0-9a-f]{40}");

    /** A field a dimension reads: where the deal carries it, and its options' labels by id. */
    record Field(String key, String name, boolean custom, Map<String, String> options) {
    }

    static final PipedriveFields NONE = new PipedriveFields(List.of());

    private final Map<String, PipedriveDtos.DealField> byKey = new LinkedHashMap<>();
    private final Map<String, List<PipedriveDtos.DealField>> byName = new HashMap<>();

    PipedriveFields(List<PipedriveDtos.DealField> fields) {
        for (PipedriveDtos.DealField field : fields) {
            if (field.key() == null || field.key().isBlank()) {
                continue;
            }
            byKey.put(field.key(), field);
            if (field.name() != null) {
                byName.computeIfAbsent(field.name().trim().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(field);
            }
        }
    }

    List<PipedriveDtos.DealField> all() {
        return List.copyOf(byKey.values());
    }

    /**
     * The fields of the configured dimensions, by dimension; a dimension whose field is unknown (or
     * whose name is shared by several fields) is left out with a warning naming it.
     */
    Map<String, Field> resolve(Map<String, String> dimensions, List<SyncWarning> warnings) {
        Map<String, Field> resolved = new LinkedHashMap<>();
        dimensions.forEach((dimension, configured) -> {
            String wanted = configured == null ? "" : configured.trim();
            PipedriveDtos.DealField field = byKey.get(wanted);
            if (field == null) {
                List<PipedriveDtos.DealField> named = byName.getOrDefault(wanted.toLowerCase(Locale.ROOT), List.of());
                if (named.size() > 1) {
                    warnings.add(new SyncWarning(PipedriveClient.DEAL_FIELDS, null, wanted, "dimensions." + dimension + ": "
                            + named.size() + " deal fields are named '" + wanted + "'; use the key of the one meant ("
                            + String.join(", ", named.stream().map(PipedriveDtos.DealField::key).toList()) + ")"));
                    return;
                }
                field = named.isEmpty() ? null : named.get(0);
            }
            if (field == null) {
                boolean hash = HASH_KEY.matcher(wanted).matches();
                if (!hash) {
                    warnings.add(new SyncWarning(PipedriveClient.DEAL_FIELDS, null, wanted, "dimensions." + dimension
                            + ": no deal field has the name or key '" + wanted + "'; the dimension stays empty"));
                    return;
                }
                // a custom field's key read raw: its values keep their option ids
                resolved.put(dimension, new Field(wanted, wanted, true, Map.of()));
                return;
            }
            Map<String, String> options = new HashMap<>();
            if (field.options() != null) {
                field.options().forEach(option -> {
                    if (option.id() != null && option.label() != null) {
                        options.put(option.id().trim(), option.label());
                    }
                });
            }
            resolved.put(dimension, new Field(field.key(), field.name(), HASH_KEY.matcher(field.key()).matches(), options));
        });
        return resolved;
    }
}
