package io.planpilot.app.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Stores verified callbacks, those that arrive together in one statement and one commit (group
 * commit). A callback that finds fewer than {@code statements} stores running starts one at once,
 * so a lone callback waits for nothing; under load, callbacks queue while the stores run and the
 * next store takes up to {@code batch} of them (and up to {@link #BATCH_BYTES} of bodies). Each callback is answered only when the statement
 * that stored it has committed. A store that fails is repeated for each of its callbacks alone, so
 * a callback the database refuses fails by itself and not its neighbours.
 *
 * <p>Why: under load, one commit per callback made PostgreSQL start, log and flush a transaction
 * for every request, which is most of its work on a small machine; a statement of a dozen
 * callbacks costs little more than one.
 */
final class CallbackIntake {

    private static final Logger log = LoggerFactory.getLogger(CallbackIntake.class);

    private final Function<List<WebhookInbox.Callback>, Mono<List<WebhookInbox.Accepted>>> store;
    private final int statements;
    private final int batch;
    private final IntConsumer batchSizes;

    /**
     * Bodies one store takes at most (the callback that passes it is the last): large callbacks, up to
     * the body limit each, are stored a few at a time rather than as one statement of hundreds of MiB.
     */
    static final long BATCH_BYTES = 4L * 1024 * 1024;

    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param store      stores callbacks in one statement and emits what each stored, in their order
     * @param statements stores running at once at most
     * @param batch      callbacks in one store at most
     * @param batchSizes told the size of each store (for metrics)
     */
    CallbackIntake(Function<List<WebhookInbox.Callback>, Mono<List<WebhookInbox.Accepted>>> store, int statements,
                   int batch, IntConsumer batchSizes) {
        if (statements < 1 || batch < 1) {
            throw new IllegalArgumentException("statements and batch must be positive");
        }
        this.store = store;
        this.statements = statements;
        this.batch = batch;
        this.batchSizes = batchSizes;
    }

    private record Waiting(WebhookInbox.Callback callback, MonoSink<WebhookInbox.Accepted> answer) {
    }

    /** Emits what the callback stored once it is committed; an error when it could not be stored. */
    Mono<WebhookInbox.Accepted> accept(WebhookInbox.Callback callback) {
        // the sender's cancelling (a dropped connection) does not withdraw the callback: it is stored
        // anyway, and the CRM's retry of it is then acknowledged as a repeat
        return Mono.create(answer -> {
            waiting.add(new Waiting(callback, answer));
            startStores();
        });
    }

    /**
     * Starts stores while there are callbacks waiting and fewer than {@code statements} running. A
     * callback queued while all stores run is taken by the next store that ends: each store checks
     * the queue after it has stopped counting as running.
     */
    private void startStores() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= statements) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            List<Waiting> taken = new ArrayList<>(Math.min(batch, 64));
            long bodies = 0;
            Waiting next;
            while (taken.size() < batch && bodies < BATCH_BYTES && (next = waiting.poll()) != null) {
                taken.add(next);
                bodies += next.callback().request().body().length;
            }
            if (taken.isEmpty()) {
                running.decrementAndGet();
                continue;
            }
            batchSizes.accept(taken.size());
            storeTogether(taken)
                    .doFinally(signal -> {
                        running.decrementAndGet();
                        startStores();
                    })
                    .subscribe();
        }
    }

    private Mono<Void> storeTogether(List<Waiting> taken) {
        List<WebhookInbox.Callback> callbacks = taken.stream().map(Waiting::callback).toList();
        return Mono.defer(() -> store.apply(callbacks))
                .doOnNext(stored -> {
                    if (stored.size() != taken.size()) {
                        throw new IllegalStateException("the inbox answered " + stored.size() + " of "
                                + taken.size() + " callbacks");
                    }
                    for (int i = 0; i < taken.size(); i++) {
                        taken.get(i).answer().success(stored.get(i));
                    }
                })
                .then()
                .onErrorResume(e -> taken.size() == 1 ? answerError(taken.get(0), e) : storeAlone(taken, e));
    }

    private Mono<Void> storeAlone(List<Waiting> taken, Throwable e) {
        log.debug("Storing {} callbacks together failed ({}); storing each alone", taken.size(), e.toString());
        return Flux.fromIterable(taken)
                .concatMap(one -> Mono.defer(() -> store.apply(List.of(one.callback())))
                        .doOnNext(stored -> one.answer().success(stored.get(0)))
                        .then()
                        .onErrorResume(error -> answerError(one, error)))
                .then();
    }

    private static Mono<Void> answerError(Waiting one, Throwable e) {
        one.answer().error(e);
        return Mono.empty();
    }
}
