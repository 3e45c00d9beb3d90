package io.planpilot.app.webhook;

import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRequest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Group commit of callbacks: who waits for what, and a refused callback failing alone. */
class CallbackIntakeTest {

    /** A store the test completes by hand, recording the callbacks of each statement. */
    private static final class HeldStore {
        final List<List<String>> statements = new CopyOnWriteArrayList<>();
        final List<Sinks.One<Void>> pending = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        volatile int mostRunning;
        volatile String refused;

        Mono<List<WebhookInbox.Accepted>> store(List<WebhookInbox.Callback> callbacks) {
            List<String> names = callbacks.stream().map(WebhookInbox.Callback::connection).toList();
            statements.add(names);
            mostRunning = Math.max(mostRunning, running.incrementAndGet());
            Sinks.One<Void> done = Sinks.one();
            pending.add(done);
            return done.asMono().then(Mono.fromCallable(() -> {
                if (refused != null && names.contains(refused)) {
                    throw new IllegalStateException("the database refused " + refused);
                }
                List<WebhookInbox.Accepted> accepted = new ArrayList<>();
                for (String name : names) {
                    accepted.add(new WebhookInbox.Accepted(Long.parseLong(name.substring(1)), 1, 1));
                }
                return accepted;
            })).doOnTerminate(running::decrementAndGet);
        }

        void completeAll() {
            while (!pending.isEmpty()) {
                pending.remove(0).tryEmitEmpty();
            }
        }
    }

    private static WebhookInbox.Callback callback(String name) {
        return callback(name, 0);
    }

    private static WebhookInbox.Callback callback(String name, int bodyBytes) {
        WebhookRequest request = new WebhookRequest("POST", "http://localhost/webhooks/x", Map.of(), new byte[bodyBytes],
                Instant.parse("2026-11-27T10:00:00Z"));
        return new WebhookInbox.Callback(name, request,
                List.of(new WebhookEvent("e-" + name, WebhookEvent.Change.CHANGED, RecordKind.DEAL, name, null)));
    }

    @Test
    void aLoneCallbackIsStoredAtOnceByItselfAndAnsweredOnlyWhenItsStatementEnds() {
        HeldStore store = new HeldStore();
        CallbackIntake intake = new CallbackIntake(store::store, 2, 64, size -> { });
        List<WebhookInbox.Accepted> answers = new CopyOnWriteArrayList<>();

        intake.accept(callback("c1")).subscribe(answers::add);

        assertThat(store.statements).containsExactly(List.of("c1"));
        assertThat(answers).isEmpty();
        store.completeAll();
        assertThat(answers).extracting(WebhookInbox.Accepted::requestId).containsExactly(1L);
    }

    @Test
    void callbacksArrivingWhileTheStoresRunAreStoredTogetherInTheNextStatementEachGettingItsOwnAnswer() {
        HeldStore store = new HeldStore();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        CallbackIntake intake = new CallbackIntake(store::store, 1, 3, sizes::add);
        List<Long> answered = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 6; i++) {
            intake.accept(callback("c" + i)).subscribe(accepted -> answered.add(accepted.requestId()));
        }
        assertThat(store.statements).containsExactly(List.of("c1")); // one store at a time: the rest wait
        store.pending.remove(0).tryEmitEmpty();

        assertThat(answered).containsExactly(1L);
        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2", "c3", "c4")); // at most 3 together
        store.completeAll();
        store.completeAll();

        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2", "c3", "c4"), List.of("c5", "c6"));
        assertThat(answered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(sizes).containsExactly(1, 3, 2);
        assertThat(store.mostRunning).isEqualTo(1);
    }

    @Test
    void largeCallbacksAreStoredAFewAtATime() {
        HeldStore store = new HeldStore();
        CallbackIntake intake = new CallbackIntake(store::store, 1, 64, size -> { });
        int mib = 1024 * 1024;
        List<Long> answered = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 7; i++) {
            intake.accept(callback("c" + i, mib + 1)).subscribe(accepted -> answered.add(accepted.requestId()));
        }
        while (answered.size() < 7) {
            store.completeAll();
        }

        // c1 alone (nothing waited), then up to 4 MiB of bodies: the callback that passes it is the last
        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2", "c3", "c4", "c5"), List.of("c6", "c7"));
    }

    @Test
    void noMoreStoresRunAtOnceThanAllowed() {
        HeldStore store = new HeldStore();
        CallbackIntake intake = new CallbackIntake(store::store, 2, 64, size -> { });
        List<Long> answered = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 10; i++) {
            intake.accept(callback("c" + i)).subscribe(accepted -> answered.add(accepted.requestId()));
        }

        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2"));
        assertThat(store.running.get()).isEqualTo(2);
        while (answered.size() < 10) {
            store.completeAll();
        }
        assertThat(store.mostRunning).isEqualTo(2);
        assertThat(store.statements.stream().mapToInt(List::size).sum()).isEqualTo(10);
    }

    @Test
    void aCallbackTheDatabaseRefusesFailsAloneAndItsNeighboursAreStored() {
        HeldStore store = new HeldStore();
        store.refused = "c3";
        CallbackIntake intake = new CallbackIntake(store::store, 1, 64, size -> { });
        List<Long> answered = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 4; i++) {
            intake.accept(callback("c" + i)).subscribe(accepted -> answered.add(accepted.requestId()),
                    error -> errors.add(error.getMessage()));
        }
        while (answered.size() + errors.size() < 4) {
            store.completeAll();
        }

        assertThat(answered).containsExactly(1L, 2L, 4L);
        assertThat(errors).containsExactly("the database refused c3");
        // c1 alone, then c2-c4 together (refused), then each of them alone
        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2", "c3", "c4"),
                List.of("c2"), List.of("c3"), List.of("c4"));
    }

    @Test
    void aCallbackWhoseSenderHungUpIsStoredAllTheSame() {
        HeldStore store = new HeldStore();
        CallbackIntake intake = new CallbackIntake(store::store, 1, 64, size -> { });
        intake.accept(callback("c1")).subscribe();

        intake.accept(callback("c2")).subscribe().dispose(); // queued behind c1, then the sender is gone
        store.completeAll();
        store.completeAll();

        assertThat(store.statements).containsExactly(List.of("c1"), List.of("c2"));
    }
}
