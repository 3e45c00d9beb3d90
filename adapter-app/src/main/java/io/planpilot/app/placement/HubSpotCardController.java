package io.planpilot.app.placement;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.ConnectionConfig;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.connector.hubspot.HubSpotSignatureV3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deal's figures for HubSpot, inside a deal record:
 * <ul>
 *   <li>{@code GET|POST /crm/hubspot/{connection}/card}: for the app card of integrations/hubspot, which calls it
 *       with {@code hubspot.fetch} ({@code dealId} in the query or in the JSON body): the {@link DealCard} and a
 *       signed link to the deal's dashboard page ({@code dashboardUrl}, valid {@link #LINK_TTL}).</li>
 *   <li>{@code GET|POST /crm/hubspot/{connection}/card/legacy}: the same figures in the legacy CRM card's
 *       data-fetch shape ({@code results[]} of {@code objectId}, {@code title}, {@code link}, {@code properties[]}
 *       of {@code label}, {@code dataType}, {@code value}); the deal is {@code associatedObjectId}.</li>
 * </ul>
 * HubSpot signs both calls with {@code X-HubSpot-Signature-v3} under the app's client secret (the
 * connection's {@code client-secret}), over the URL as HubSpot called it ({@code adapter.public-base-url}):
 * a wrong or missing signature, or a timestamp more than 5 minutes off, is a 401.
 */
@RestController
public class HubSpotCardController {

    static final Duration LINK_TTL = Duration.ofHours(1);
    static final String TYPE = "hubspot";
    private static final Logger log = LoggerFactory.getLogger(HubSpotCardController.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AdapterConfig config;
    private final DealCard cards;
    private final SignedLinks links;
    private final Clock clock;

    public HubSpotCardController(AdapterConfig config, DealCard cards, SignedLinks links, Clock clock) {
        this.config = config;
        this.cards = cards;
        this.links = links;
        this.clock = clock;
    }

    /** The card's answer: the deal's figures and where its dashboard page is. */
    public record HubSpotCard(DealCard.Card deal, String dashboardUrl) {
    }

    @RequestMapping(path = "/crm/hubspot/{connection}/card", method = {RequestMethod.GET, RequestMethod.POST})
    public Mono<ResponseEntity<Object>> card(@PathVariable String connection, ServerHttpRequest request) {
        return verified(connection, request).flatMap(body -> {
            String dealId = dealId(request, body, "dealId", "objectId", "hs_object_id");
            if (dealId == null) {
                return Mono.just(problem(HttpStatus.BAD_REQUEST, "dealId is missing: pass the deal's id (context.crm.objectId) "
                        + "as ?dealId= or in the JSON body"));
            }
            return cards.of(connection, dealId).map(card -> card
                    .<ResponseEntity<Object>>map(found -> ResponseEntity.ok(new HubSpotCard(found, dashboardUrl(request, connection, dealId))))
                    .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "deal " + dealId + " is not an open deal of connection '"
                            + connection + "' (closed, or not synced yet)")));
        }).onErrorResume(Refused.class, refused -> Mono.just(refused.answer));
    }

    @RequestMapping(path = "/crm/hubspot/{connection}/card/legacy", method = {RequestMethod.GET, RequestMethod.POST})
    public Mono<ResponseEntity<Object>> legacyCard(@PathVariable String connection, ServerHttpRequest request) {
        return verified(connection, request).flatMap(body -> {
            String dealId = dealId(request, body, "associatedObjectId", "objectId", "hs_object_id", "dealId");
            if (dealId == null) {
                return Mono.just(problem(HttpStatus.BAD_REQUEST, "associatedObjectId is missing"));
            }
            return cards.of(connection, dealId).map(card -> ResponseEntity.ok((Object) Map.of("results",
                    card.map(found -> List.of(legacy(found, dashboardUrl(request, connection, dealId)))).orElse(List.of()))));
        }).onErrorResume(Refused.class, refused -> Mono.just(refused.answer));
    }

    private static final class Refused extends RuntimeException {
        final transient ResponseEntity<Object> answer;

        Refused(ResponseEntity<Object> answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** The raw body once HubSpot's signature over it is checked. */
    private Mono<byte[]> verified(String connection, ServerHttpRequest request) {
        ConnectionConfig found = config.connection(connection).filter(c -> TYPE.equals(c.type())).orElse(null);
        if (found == null) {
            return Mono.error(new Refused(problem(HttpStatus.NOT_FOUND, "no HubSpot connection '" + connection + "' is configured")));
        }
        return DataBufferUtils.join(request.getBody())
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .map(body -> {
                    Optional<String> problem = HubSpotSignatureV3.problem(found.options().get("client-secret"),
                            request.getMethod().name(), CalledUrl.of(config.publicBaseUrl(), request), body,
                            request.getHeaders().getFirst(HubSpotSignatureV3.SIGNATURE_HEADER),
                            request.getHeaders().getFirst(HubSpotSignatureV3.TIMESTAMP_HEADER), clock);
                    if (problem.isPresent()) {
                        log.warn("HubSpot card call for connection {} refused: {}", connection, problem.get());
                        throw new Refused(problem(HttpStatus.UNAUTHORIZED, problem.get()));
                    }
                    return body;
                });
    }

    private static String dealId(ServerHttpRequest request, byte[] body, String... names) {
        for (String name : names) {
            String value = request.getQueryParams().getFirst(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        if (body.length > 0) {
            try {
                JsonNode json = JSON.readTree(body);
                for (String name : names) {
                    JsonNode value = json.get(name);
                    if (value != null && !value.isNull() && !value.asString().isBlank()) {
                        return value.asString().trim();
                    }
                }
            } catch (RuntimeException e) {
                // not JSON: the query is the only source
            }
        }
        return null;
    }

    private String dashboardUrl(ServerHttpRequest request, String connection, String dealId) {
        return CalledUrl.base(config.publicBaseUrl(), request) + "/ui/deals/" + connection + "/"
                + URLEncoder.encode(dealId, StandardCharsets.UTF_8) + "?t="
                + URLEncoder.encode(links.issue("deal:" + connection + ":" + dealId, LINK_TTL), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> legacy(DealCard.Card card, String link) {
        DealCard.Stage stage = card.stage();
        List<Map<String, Object>> properties = new ArrayList<>();
        properties.add(property("Stage", "STRING", stage.name() == null ? stage.id() : stage.name(), null));
        properties.add(property("Days in stage", "NUMERIC", plain(stage.daysInStage()), null));
        properties.add(property("Usual days in this stage (" + stage.normPercentile() + "th percentile)", "NUMERIC",
                plain(stage.norm()), null));
        if (card.owner() != null) {
            DealCard.Owner owner = card.owner();
            properties.add(property("Owner", "STRING", owner.name(), null));
            properties.add(property("Owner's won this month", "CURRENCY", plain(owner.wonAmount()), card.currency()));
            properties.add(property("Owner's win rate", "NUMERIC", plain(owner.winRate()), null));
            properties.add(property("Owner's task completion", "NUMERIC", plain(owner.taskCompletion()), null));
            properties.add(property("Owner's stale deals", "NUMERIC", Long.toString(owner.staleDeals()), null));
        }
        properties.add(property("PlanPilot actions about this deal", "NUMERIC", Integer.toString(card.actions().size()), null));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("objectId", card.dealId().matches("\\d{1,18}") ? (Object) Long.parseLong(card.dealId()) : card.dealId());
        result.put("title", "PlanPilot: " + (stage.overNorm() ? "longer in stage than usual" : "deal figures"));
        result.put("link", link);
        result.put("properties", properties);
        return result;
    }

    private static Map<String, Object> property(String label, String type, String value, String currency) {
        Map<String, Object> property = new LinkedHashMap<>();
        property.put("label", label);
        property.put("dataType", value == null ? "STRING" : type);
        property.put("value", value == null ? "—" : value);
        if (currency != null && value != null) {
            property.put("currencyCode", currency);
        }
        return property;
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros().toPlainString();
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", detail);
        return ResponseEntity.status(status).body(body);
    }
}
