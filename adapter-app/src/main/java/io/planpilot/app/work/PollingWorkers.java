package io.planpilot.app.work;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Threads of their own (never the event loop) that each run a round of work (claim a batch from a
 * database queue, finish it), and when a round found nothing, wait a poll interval or until woken;
 * after a failed round they wait the whole interval. What the inbox workers and the outbox
 * dispatchers share.
 */
public final class PollingWorkers {

    private static final Logger log = LoggerFactory.getLogger(PollingWorkers.class);

    private final String name;
    private final Duration pollInterval;
    private final IntSupplier round;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private final List<Thread> threads = new ArrayList<>();
    private long wakeups;
    private volatile boolean running;

    /**
     * @param name         the threads' name ({@code webhook-worker} makes {@code webhook-worker-1}, ...)
     * @param round        one round of work; returns how many items it took (0: nothing to do)
     */
    public PollingWorkers(String name, Duration pollInterval, IntSupplier round) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.round = round;
    }

    public synchronized void start(int count) {
        if (running) {
            return;
        }
        running = true;
        for (int i = 1; i <= count; i++) {
            Thread worker = new Thread(this::work, name + "-" + i);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
    }

    /** Stops taking new rounds and waits up to {@code wait} for the rounds in hand to end. */
    public synchronized void stop(Duration wait) {
        if (!running) {
            return;
        }
        running = false;
        wake();
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread worker : threads) {
            try {
                worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (worker.isAlive()) {
                log.warn("{} is still busy after {} s; what it claimed is taken again when its lease runs out",
                        worker.getName(), wait.toSeconds());
            }
        }
        threads.clear();
    }

    public boolean isRunning() {
        return running;
    }

    /** Tells idle workers that work is there. */
    public void wake() {
        lock.lock();
        try {
            wakeups++;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (running && !Thread.currentThread().isInterrupted()) {
            long seen = wakeupsSoFar();
            try {
                if (round.getAsInt() == 0) {
                    await(seen, false);
                }
            } catch (RuntimeException e) {
                log.warn("{} could not claim or finish its work (trying again in {}): {}", Thread.currentThread().getName(),
                        pollInterval, e.toString());
                await(seen, true);
            }
        }
    }

    private long wakeupsSoFar() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits a poll interval, or less when woken after {@code seen} was read (unless
     * {@code wholeInterval}: after a failure, a wake-up does not cut the wait short).
     */
    private void await(long seen, boolean wholeInterval) {
        lock.lock();
        try {
            long nanos = pollInterval.toNanos();
            while (running && nanos > 0 && (wholeInterval || wakeups == seen)) {
                nanos = woken.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
