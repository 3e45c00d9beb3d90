package io.planpilot.app.webhook;

import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pretend CRM behind a {@code hooked} connection, one per connection id, that tests control:
 * the deals it holds, how often each deal was re-read, and re-reads that fail.
 */
public final class HookedCrm {

    private static final Map<String, HookedCrm> CRMS = new ConcurrentHashMap<>();

    private final String connection;
    private final Map<String, Deal> deals = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rereads = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    /** The base URL of the CRM's API that re-reads go to (a WireMock server); null: the deals held here. */
    public volatile String readUrl;
    /** The base URL of the CRM's API that writes go to (a WireMock server); null: writes fail. */
    public volatile String writeUrl;
    /** The URL of the last callback the connector saw. */
    volatile String lastUrl;

    private HookedCrm(String connection) {
        this.connection = connection;
    }

    public static HookedCrm of(String connection) {
        return CRMS.computeIfAbsent(connection, HookedCrm::new);
    }

    /** Puts an open deal into the CRM (created yesterday, no expected close) and returns it. */
    public Deal holdOpenDeal(String id, BigDecimal amount) {
        Deal deal = new Deal(connection, id, "Deal " + id, HookedConnector.PIPELINE, HookedConnector.OPEN_STAGE,
                DealStatus.OPEN, amount, "USD", null, Instant.now().minusSeconds(86_400), null, null, Map.of(), List.of(),
                null, false, Instant.now());
        deals.put(id, deal);
        return deal;
    }

    /** Puts a deal into the CRM as it is given. */
    public void hold(Deal deal) {
        deals.put(deal.id(), deal);
    }

    void remove(String id) {
        deals.remove(id);
    }

    /** The next {@code times} re-reads that include the deal fail; -1: every one. */
    void failRereadsOf(String id, int times) {
        failuresLeft.put(id, new AtomicInteger(times));
    }

    private volatile boolean down;

    /** While down, every re-read fails as a CRM that is unavailable does (a transient failure). */
    void beDown(boolean down) {
        this.down = down;
    }

    /** How many re-reads included the deal. */
    public int rereadsOf(String id) {
        AtomicInteger count = rereads.get(id);
        return count == null ? 0 : count.get();
    }

    /** Re-read calls of the connection so far. */
    int calls() {
        return calls.get();
    }

    /** What a re-read of the refs finds: the deals held, the others gone. */
    Found reread(List<RecordRef> refs) {
        calls.incrementAndGet();
        for (RecordRef ref : refs) {
            rereads.computeIfAbsent(ref.id(), id -> new AtomicInteger()).incrementAndGet();
        }
        if (down) {
            throw new HookedConnector.TransientFailure("hooked: the CRM answered 503 Service Unavailable (it is down)");
        }
        for (RecordRef ref : refs) {
            AtomicInteger left = failuresLeft.get(ref.id());
            if (left != null && (left.get() < 0 || left.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
                throw new ConnectorException("hooked: the CRM answered 503 Service Unavailable to the re-read of deal " + ref.id());
            }
        }
        List<Deal> found = refs.stream().filter(ref -> ref.kind() == RecordKind.DEAL)
                .map(ref -> deals.get(ref.id())).filter(java.util.Objects::nonNull).toList();
        List<RecordRef> gone = refs.stream().filter(ref -> ref.kind() != RecordKind.DEAL || !deals.containsKey(ref.id())).toList();
        return new Found(found, gone);
    }

    record Found(List<Deal> deals, List<RecordRef> gone) {
    }
}
