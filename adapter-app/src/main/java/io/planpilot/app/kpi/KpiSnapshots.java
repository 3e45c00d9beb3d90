package io.planpilot.app.kpi;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.ConfigProblem;
import io.planpilot.app.config.InvalidConfigurationException;
import io.planpilot.app.plan.InvalidPlanException;
import io.planpilot.app.plan.PlanFile;
import io.planpilot.app.store.CrmDataLoader;
import io.planpilot.app.store.StoredPage;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.PlanTarget;
import io.planpilot.core.kpi.CrmChanges;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.KpiSnapshot;
import io.planpilot.core.kpi.LiveSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The KPI snapshot of the configured connections, built from the store at start-up and kept current
 * as pages are stored (no reload per request), and the sales plan it is read against.
 */
@Component
@DependsOn("flywayInitializer")
public class KpiSnapshots {

    private static final Logger log = LoggerFactory.getLogger(KpiSnapshots.class);

    private final CrmDataLoader loader;
    private final AdapterConfig config;
    private final KpiSettings settings;
    private volatile LiveSnapshot live;
    private List<PlanTarget> plan = List.of();

    private final io.planpilot.app.store.StoreChanges changes;
    /** The latest store change (of any process) the snapshot holds. */
    private volatile long loadedUpTo;

    public KpiSnapshots(CrmDataLoader loader, AdapterConfig config, io.planpilot.app.store.StoreChanges changes) {
        this.loader = loader;
        this.changes = changes;
        this.config = config;
        this.settings = new KpiSettings(config.baseCurrency(), config.currencyRates(), config.timeZone(),
                config.lookbackDays(), config.staleDays(), new HashSet<>(config.holidays()));
        long started = System.nanoTime();
        this.loadedUpTo = changes.latest().block();
        this.live = new LiveSnapshot(loader.load(config.connections().keySet()), settings, List.of());
        this.plan = readPlanFile();
        this.live.replacePlan(plan);
        log.info("KPI snapshot ready: {} deals, {} plan rows ({} ms)", live.current().dealCount(), plan.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    public KpiSnapshot current() {
        return live.current();
    }

    /** Brings a stored page into the snapshot; pipeline or stage changes rebuild it from the store. */
    public synchronized void apply(String connection, SyncPage page, StoredPage stored) {
        boolean newDimensions = page.mappedDimensions() != null
                && !page.mappedDimensions().equals(live.current().mappedDimensions(connection));
        if (stored.catalogChanged() || newDimensions) {
            reload();
            return;
        }
        CrmChanges changes = new CrmChanges(page.reps(), page.deals(),
                stored.deletedDeals().stream().map(r -> new CrmChanges.RecordRef(r.connection(), r.id())).toList(),
                page.transitions(),
                stored.removedTransitions().stream().map(r -> new CrmChanges.TransitionRef(r.connection(), r.id(), r.deal())).toList(),
                page.activities(),
                stored.deletedActivities().stream().map(r -> new CrmChanges.RecordRef(r.connection(), r.id())).toList());
        live.apply(changes);
        if (live.current().deadRowShare() > 0.3) {
            reload();
        }
    }

    /**
     * Follows what other processes (replicas on the same database) stored since the snapshot was
     * loaded: reloads when there is any; this process's own pages are in already. Emits whether it reloaded.
     */
    public boolean followStore() {
        long seen = loadedUpTo;
        io.planpilot.app.store.StoreChanges.Since since = changes.since(seen).block();
        if (since.byOthers()) {
            long started = System.nanoTime();
            reload();
            log.info("KPI snapshot reloaded after changes another adapter process stored ({} ms)",
                    (System.nanoTime() - started) / 1_000_000);
            return true;
        }
        synchronized (this) {
            if (loadedUpTo == seen) {
                loadedUpTo = since.latest();
            }
        }
        return false;
    }

    /** Builds the snapshot anew from the store. */
    public synchronized void reload() {
        loadedUpTo = changes.latest().block();
        LiveSnapshot fresh = new LiveSnapshot(loader.load(config.connections().keySet()), settings, plan);
        live = fresh;
    }

    /**
     * Replaces the plan with a CSV text: checked whole first (the old plan stays when it fails), then
     * written to the plan file and used from now on.
     *
     * @throws InvalidPlanException naming each bad line
     */
    public synchronized List<PlanTarget> replacePlan(String csv) {
        List<PlanTarget> targets = PlanFile.parse(csv, config.connections().keySet(), live.current()::planRepProblem);
        writePlanFile(csv);
        plan = targets;
        live.replacePlan(targets);
        return targets;
    }

    private List<PlanTarget> readPlanFile() {
        Path file = config.planFile();
        if (!Files.exists(file)) {
            log.warn("No plan file at {}: every plan figure is null until a plan is loaded (PUT /api/v1/plan)", file.toAbsolutePath());
            return List.of();
        }
        try {
            return PlanFile.parse(Files.readString(file, StandardCharsets.UTF_8), config.connections().keySet(),
                    live.current()::planRepProblem);
        } catch (InvalidPlanException e) {
            throw new InvalidConfigurationException(e.problems().stream()
                    .map(problem -> new ConfigProblem("adapter.plan-file", file + " " + problem)).toList());
        } catch (IOException e) {
            throw new InvalidConfigurationException(List.of(new ConfigProblem("adapter.plan-file",
                    "cannot read " + file.toAbsolutePath() + ": " + e.getMessage())));
        }
    }

    private void writePlanFile(String csv) {
        Path file = config.planFile().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".plan-", ".csv");
            Files.writeString(temporary, csv, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plan file " + file, e);
        }
    }

    /** Connections of the snapshot, for the API's checks. */
    public Set<String> connections() {
        return config.connections().keySet();
    }
}
