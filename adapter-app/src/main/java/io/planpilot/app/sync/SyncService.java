package io.planpilot.app.sync;

import io.planpilot.app.store.CrmRecordStore;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.SyncWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts sync runs and carries them out: the connector reads on a worker thread (connectors are
 * blocking), and each page is stored with its cursor before the next is read, so a run that dies
 * mid-way loses nothing stored and resumes from the last stored cursor.
 */
@Service
public class SyncService {

    private static final Logger log = LoggerFactory.getLogger(SyncService.class);

    private final CrmRecordStore records;
    private final SyncRunStore runs;
    private final PageIntake intake;
    private final ApplicationEventPublisher events;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public SyncService(CrmRecordStore records, SyncRunStore runs, PageIntake intake, ApplicationEventPublisher events,
                       io.micrometer.core.instrument.MeterRegistry meters) {
        this.events = events;
        this.meters = meters;
        this.records = records;
        this.runs = runs;
        this.intake = intake;
    }

    /**
     * Starts a run of the connection, or emits the one already running. The run itself goes on in
     * the background; follow it with {@link SyncRunStore#find}.
     */
    public Mono<SyncRunStore.Started> start(Connections.Connection connection, SyncMode mode) {
        return runs.start(connection.id(), mode).doOnNext(started -> {
            if (started.started()) {
                Mono.fromRunnable(() -> execute(connection, started.run()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .subscribe();
            }
        });
    }

    /** Runs a sync to its end on the calling thread (which may block) and emits the finished run. */
    public SyncRun execute(Connections.Connection connection, SyncRun run) {
        Progress progress = new Progress();
        long started = System.nanoTime();
        try {
            String cursor = run.mode() == SyncMode.FULL ? null : records.cursor(connection.id()).block();
            connection.connector().read(run.mode(), cursor, page -> {
                intake.take(connection.id(), page);
                progress.add(page);
            });
            SyncRun finished = runs.finish(run.runId(), SyncRun.Status.SUCCEEDED, progress.deals, progress.activities,
                    null, progress.warnings, progress.warningCount).block();
            log.info("Sync run {} of '{}' ({}) succeeded: {} deals, {} activities read, {} warnings",
                    run.runId(), connection.id(), run.mode(), progress.deals, progress.activities, progress.warningCount);
            measure(connection.id(), run, SyncRun.Status.SUCCEEDED, progress, started);
            events.publishEvent(new CrmDataChanged(connection.id(), "sync"));
            return finished;
        } catch (RuntimeException e) {
            String error = describe(e);
            log.warn("Sync run {} of '{}' failed: {}", run.runId(), connection.id(), error,
                    e instanceof ConnectorException ? null : e);
            measure(connection.id(), run, SyncRun.Status.FAILED, progress, started);
            return runs.finish(run.runId(), SyncRun.Status.FAILED, progress.deals, progress.activities, error,
                    progress.warnings, progress.warningCount).block();
        }
    }

    /**
     * {@code planpilot.sync.runs{connection,mode,status}} (a timer: count and duration of runs) and
     * {@code planpilot.sync.records{connection,kind}} (deals, activities and skipped rows read).
     */
    private void measure(String connection, SyncRun run, SyncRun.Status status, Progress progress, long startedNanos) {
        io.micrometer.core.instrument.Timer.builder("planpilot.sync.runs")
                .tag("connection", connection).tag("mode", run.mode().name()).tag("status", status.name())
                .description("Sync runs and how long they took")
                .register(meters).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        record(connection, "deals", progress.deals);
        record(connection, "activities", progress.activities);
        record(connection, "warnings", progress.warningCount);
    }

    private void record(String connection, String kind, long count) {
        io.micrometer.core.instrument.Counter.builder("planpilot.sync.records").tag("connection", connection).tag("kind", kind)
                .description("Records read by sync runs").register(meters).increment(count);
    }

    private static String describe(RuntimeException e) {
        if (e instanceof ConnectorException) {
            return e.getMessage();
        }
        return "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** What a run has read so far. */
    private static final class Progress {
        long deals;
        long activities;
        long warningCount;
        final List<SyncWarning> warnings = new ArrayList<>();

        void add(SyncPage page) {
            deals += page.deals().size();
            activities += page.activities().size();
            warningCount += page.warnings().size();
            for (SyncWarning warning : page.warnings()) {
                if (warnings.size() < SyncRun.WARNINGS_KEPT) {
                    warnings.add(warning);
                }
            }
        }
    }
}
