package io.planpilot.connector.hubspot;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * HubSpot's JSON as records shaped like it, nothing more (shapes from HubSpot's published OpenAPI
 * specs, HubSpot/HubSpot-public-api-spec-collection). Every CRM property value is a JSON string,
 * numbers and dates included ({@code "amount": "1500.50"}, {@code "createdate": "2026-11-03T10:15:00.000Z"},
 * some dates as millisecond epochs); an empty string means no value. Ids are strings.
 */
public final class HubSpotDtos {

    private HubSpotDtos() {
    }

    // --- objects ---

    /** A CRM object (deal, call, meeting, e-mail, task, note) as the object endpoints return it. */
    public record CrmObject(String id, Map<String, String> properties,
                            Map<String, List<PropertyVersion>> propertiesWithHistory, String createdAt, String updatedAt,
                            Boolean archived, String archivedAt, Map<String, AssociationPage> associations) {
    }

    /** One value a property had, newest first in HubSpot's answers. */
    public record PropertyVersion(String value, String timestamp, String sourceType) {
    }

    /** The associations of one object to one type, as the list endpoint's {@code associations=deals} returns them. */
    public record AssociationPage(List<AssociationRef> results) {
    }

    public record AssociationRef(String id, String type) {
    }

    /** {@code GET /crm/v3/objects/{type}}: a page and the cursor of the next ({@code paging.next.after}). */
    public record ObjectPage(List<CrmObject> results, Paging paging) {
    }

    /** {@code POST /crm/v3/objects/{type}/search}: {@code total} matches, a page, the offset of the next. */
    public record SearchPage(Long total, List<CrmObject> results, Paging paging) {
    }

    public record Paging(Next next) {
    }

    public record Next(String after, String link) {
    }

    // --- search ---

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SearchRequest(List<FilterGroup> filterGroups, List<Sort> sorts, List<String> properties, Integer limit,
                                String after) {
    }

    public record FilterGroup(List<Filter> filters) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Filter(String propertyName, String operator, String value) {
    }

    public record Sort(String propertyName, String direction) {
    }

    // --- batch reads ---

    public record IdInput(String id) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchReadRequest(List<String> properties, List<String> propertiesWithHistory, List<IdInput> inputs) {
    }

    public record BatchResult(String status, List<CrmObject> results) {
    }

    /** {@code POST /crm/v4/associations/{from}/{to}/batch/read}. */
    public record AssociationBatchRequest(List<IdInput> inputs) {
    }

    public record AssociationBatchResult(String status, List<AssociationResult> results) {
    }

    public record AssociationResult(IdInput from, List<AssociatedObject> to) {
    }

    public record AssociatedObject(String toObjectId) {
    }

    // --- writes ---

    /** {@code POST /crm/v3/objects/tasks} and {@code /notes}: properties and the associations to make. */
    public record CreateRequest(Map<String, String> properties, List<AssociationSpec> associations) {
    }

    public record AssociationSpec(IdInput to, List<AssociationType> types) {
    }

    public record AssociationType(String associationCategory, int associationTypeId) {
    }

    // --- the catalog ---

    /** {@code GET /crm/v3/pipelines/deals}. */
    public record PipelineList(List<PipelineDto> results) {
    }

    public record PipelineDto(String id, String label, Integer displayOrder, Boolean archived, List<StageDto> stages) {
    }

    /** A stage; {@code metadata.isClosed} ({@code "true"}/{@code "false"}) and {@code metadata.probability} ({@code "0.2"}) are strings. */
    public record StageDto(String id, String label, Integer displayOrder, Boolean archived, Map<String, String> metadata) {
    }

    /** {@code GET /crm/v3/owners}: {@code id} is what {@code hubspot_owner_id} holds; {@code userId} is another id. */
    public record OwnerPage(List<Owner> results, Paging paging) {
    }

    public record Owner(String id, String email, String firstName, String lastName, Long userId, Boolean archived,
                        List<Team> teams) {
    }

    public record Team(String id, String name, Boolean primary) {
    }

    /** {@code GET /account-info/v3/details}. */
    public record AccountDetails(Long portalId, String timeZone, String companyCurrency, List<String> additionalCurrencies) {
    }

    /** {@code GET /crm/v3/properties/deals}: the deal fields an admin can map to dimensions. */
    public record PropertyList(List<PropertyDefinition> results) {
    }

    public record PropertyDefinition(String name, String label, String type, Boolean hidden) {
    }
}
