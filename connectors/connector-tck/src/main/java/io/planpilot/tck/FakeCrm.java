package io.planpilot.tck;

import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.WebhookRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A CRM on WireMock, in its real request and response shapes, that the HTTP contract kit drives. A
 * connector's test implements it for its CRM (the example connector's {@code ExampleFakeCrm} is the
 * worked example): an in-memory model of the account served by a WireMock extension, plus the
 * faults the kit injects.
 *
 * <p>State: the kit resets WireMock (stubs, scenarios, request journal) and then calls
 * {@link #reset()} before each test. The account then holds its users and pipelines and no deals.
 * Deals the fake stamps as modified more than an hour ago when seeded, and at the fake's now when
 * changed; the kit sets the connection's safety delay to 0 for everything but the safety-delay test.
 *
 * <p>Faults apply to the next calls that read a page of deals (the endpoint {@link #dealListEndpoint()}
 * names), one fault per call, in the order the kit asks for them.
 *
 * <p>Where the CRM has no such notion, a webhook method returns null and the kit skips its test;
 * a write the connector's {@code Capabilities} do not declare is never asked for.
 */
public interface FakeCrm {

    /** Empties the account to its users and pipelines, forgets faults, and puts the fake's stubs back. */
    void reset();

    /** The most deals the CRM returns in one page (Bitrix24 50, HubSpot 100, ...). */
    int pageCap();

    /** The CRM's name of the deal list call, as the connector's errors name it ({@code crm.deal.list}). */
    String dealListEndpoint();

    /**
     * Adds {@code count} deals, stamped as modified more than an hour ago, some open, some won, some
     * lost, in several currencies; returns their ids.
     */
    List<String> seedDeals(int count);

    /** Changes a seeded deal (its title, amount or stage) as of now; returns its id. */
    String updateOneDeal();

    /** Deletes a seeded deal as of now; returns its id. */
    String deleteOneDeal();

    /**
     * Arranges that, while the next page of deals is served, a deal of that page is changed (as of
     * that moment); returns its id.
     */
    String updateDealDuringNextRead();

    /**
     * Answers the next deal page with the CRM's rate-limit signal: with the CRM's wait header
     * ({@code Retry-After}, a reset header) when {@code withResetHeader}, else without any.
     *
     * @return the least wait the signal asks for; null when it asks for none, or when the CRM has no
     *         wait header and {@code withResetHeader} cannot be honoured (the kit then skips)
     */
    Duration rateLimitNextCall(boolean withResetHeader);

    /** A request URL's query parameters, decoded, in order (the last of a repeated name wins). */
    static java.util.Map<String, String> queryParameters(String url) {
        java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
        String raw = java.net.URI.create(url).getRawQuery();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            query.put(java.net.URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), java.nio.charset.StandardCharsets.UTF_8),
                    equals < 0 ? "" : java.net.URLDecoder.decode(pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return query;
    }

    /** The queue of faults the fake applies to the next calls, in the CRM's own shapes. */
    FakeCrmFaults faults();

    /** Answers the next {@code times} deal pages with HTTP {@code status} and the CRM's error body. */
    default void failNextCalls(int times, int status) {
        faults().fail(times, status);
    }

    /** Answers the next {@code times} deal pages only after {@code delay}. */
    default void delayNextCalls(int times, Duration delay) {
        faults().delay(times, delay);
    }

    /**
     * Answers the next deal page with JSON cut off inside a deal; returns the JSON path of the field it
     * breaks in, as the connector's error names it ({@code items[0].title}).
     */
    String malformNextCall();

    /**
     * Answers the next deal page with a number field as a string that is no number ({@code "abc"});
     * returns that field's JSON path ({@code items[0].value}).
     */
    String wrongTypeNextCall();

    /** A callback the CRM would send about a change of a seeded deal, correctly signed and fresh; or null. */
    WebhookRequest validWebhook();

    /** The valid callback with a wrong signature or token; or null. */
    WebhookRequest forgedWebhook();

    /** A correctly signed callback older than the CRM's freshness limit; or null when the CRM has none. */
    WebhookRequest staleWebhook();

    /**
     * Checks that the CRM received {@code task} in its exact request shape (path, headers, body) and
     * holds exactly one task made from it; throws an {@link AssertionError} otherwise.
     */
    default void verifyTaskWritten(CrmWrite.Task task) {
        throw new UnsupportedOperationException("this fake CRM takes no tasks");
    }

    /** As {@link #verifyTaskWritten}, for a notification. */
    default void verifyNotificationWritten(CrmWrite.Notification notification) {
        throw new UnsupportedOperationException("this fake CRM takes no notifications");
    }

    /** As {@link #verifyTaskWritten}, for a comment. */
    default void verifyCommentWritten(CrmWrite.Comment comment) {
        throw new UnsupportedOperationException("this fake CRM takes no comments");
    }

    /** When each request the CRM received arrived, in order (from WireMock's request journal). */
    List<Instant> requestTimes();
}
