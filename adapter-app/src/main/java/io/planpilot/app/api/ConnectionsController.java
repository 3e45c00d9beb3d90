package io.planpilot.app.api;

import io.planpilot.app.store.CrmRecordStore;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.sync.SyncRun;
import io.planpilot.app.sync.SyncRunStore;
import io.planpilot.app.sync.SyncService;
import io.planpilot.core.connector.SyncMode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** Connections and their sync runs (CONTRACT.md, HTTP API). */
@RestController
@RequestMapping("/api/v1")
public class ConnectionsController {

    private final Connections connections;
    private final SyncService sync;
    private final SyncRunStore runs;
    private final CrmRecordStore records;

    public ConnectionsController(Connections connections, SyncService sync, SyncRunStore runs, CrmRecordStore records) {
        this.connections = connections;
        this.sync = sync;
        this.runs = runs;
        this.records = records;
    }

    @GetMapping("/connections")
    public Flux<ConnectionView> connections() {
        return Flux.fromIterable(connections.all()).concatMap(connection -> Mono.zip(
                        optional(runs.latest(connection.id())),
                        records.counts(connection.id()),
                        optional(records.storedCursor(connection.id())),
                        optional(runs.lastFailed(connection.id())))
                .map(found -> {
                    SyncRun latest = found.getT1().orElse(null);
                    ConnectionView.Cursor cursor = found.getT3()
                            .map(c -> new ConnectionView.Cursor(c.position(), c.updatedAt())).orElse(null);
                    ConnectionView.LastError error = found.getT4()
                            .map(run -> new ConnectionView.LastError(run.runId(), run.finishedAt(), run.error())).orElse(null);
                    return new ConnectionView(connection.id(), connection.config().type(), ConnectionView.State.of(latest),
                            latest, found.getT2(), cursor, connection.connector().status(), error);
                }));
    }

    /** What the connector finds wrong with the connection, in an admin's words (empty: it works). */
    @GetMapping("/connections/{id}/check")
    public Mono<io.planpilot.core.connector.ConnectionCheck> check(@PathVariable String id) {
        Connections.Connection connection = connections.find(id).orElseThrow(() -> Problems.notFound("connection", id));
        return Mono.fromCallable(() -> connection.connector().check()).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    /** Pipelines, stages, users, currencies and the deal fields an admin can map to dimensions. */
    @GetMapping("/connections/{id}/discovery")
    public Mono<io.planpilot.core.connector.Discovery> discovery(@PathVariable String id) {
        Connections.Connection connection = connections.find(id).orElseThrow(() -> Problems.notFound("connection", id));
        return Mono.fromCallable(() -> connection.connector().discover()).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    private static <T> Mono<Optional<T>> optional(Mono<T> value) {
        return value.map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    /** 202 with the new run; 200 with the running one while a run of the connection is going. */
    @PostMapping("/connections/{id}/sync")
    public Mono<ResponseEntity<Object>> sync(@PathVariable String id,
                                             @RequestBody(required = false) Map<String, Object> body) {
        Connections.Connection connection = connections.find(id)
                .orElseThrow(() -> Problems.notFound("connection", id));
        SyncMode mode = mode(body);
        return sync.start(connection, mode).map(started -> started.started()
                ? ResponseEntity.status(HttpStatus.ACCEPTED).body(
                        Map.of("runId", started.run().runId(), "status", started.run().status()))
                : ResponseEntity.ok(started.run()));
    }

    @GetMapping("/sync-runs/{runId}")
    public Mono<SyncRun> run(@PathVariable String runId) {
        long id;
        try {
            id = Long.parseLong(runId);
        } catch (NumberFormatException e) {
            return Mono.error(Problems.notFound("sync run", runId));
        }
        return runs.find(id).switchIfEmpty(Mono.error(Problems.notFound("sync run", runId)));
    }

    private static SyncMode mode(Map<String, Object> body) {
        Object mode = body == null ? null : body.get("mode");
        if (mode == null) {
            return SyncMode.INCREMENTAL;
        }
        return Arrays.stream(SyncMode.values()).filter(m -> m.name().equalsIgnoreCase(mode.toString())).findFirst()
                .orElseThrow(() -> Problems.badRequest("mode", "must be FULL or INCREMENTAL (got '" + mode + "')"));
    }
}
