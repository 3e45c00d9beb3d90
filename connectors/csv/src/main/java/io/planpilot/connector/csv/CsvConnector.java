package io.planpilot.connector.csv;

import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.Discovery;
import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.domain.Money;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a folder of CSV exports (CONTRACT.md, "CSV connector format").
 *
 * <p>A read goes in two steps.
 * <ol>
 *   <li><b>Look</b>: each file's size and last-modified time are compared with the cursor
 *       ({@link CsvCursor}). A file the cursor vouches for is not opened. Any other file is
 *       inspected ({@link CsvTable#inspect}: hash, strict UTF-8, header, CSV structure); when its
 *       SHA-256 is the cursor's, it is unchanged all the same. Every file that the changes make
 *       necessary is inspected too. A missing required file, a missing folder or a file that fails
 *       inspection throws a {@link ConnectorException} here, before any page: the run fails and
 *       nothing stored changes.</li>
 *   <li><b>Read</b>: only what changed, in pages ({@link SyncPageAssembler}): the reps when
 *       users.csv changed; the pipelines and stages when stages.csv changed; all deals, with their
 *       lines and a {@link RecordKind#DEAL} listing, when deals.csv, deal_lines.csv or stages.csv
 *       changed (a deal's status comes from its stage, its lines are part of it); the stage history
 *       with a {@link RecordKind#STAGE_TRANSITION} listing when stage_history.csv changed; the
 *       activities with a {@link RecordKind#ACTIVITY} listing when activities.csv changed. An optional
 *       file that is gone (or absent on a full read) lists nothing: its records are marked deleted.
 *       The last page carries the listings and the new cursor; earlier pages have none. When
 *       nothing changed, the read hands over exactly one empty page with the new cursor.</li>
 * </ol>
 * A FULL read, a null cursor, a cursor this connector cannot parse, or one written with other
 * settings (renames, dimension mapping, path, zone, base currency) reads everything.
 *
 * <p>Row warnings: those of deals.csv come with every read of the deals; those of stages.csv and
 * deal_lines.csv only in the runs where that file changed (when it is read for the deals' sake only,
 * its warnings are not repeated).
 */
public final class CsvConnector implements Connector {

    private final ConnectionSettings settings;
    private final CsvConnectorProperties properties;
    private final Clock clock;
    private final String settingsDigest;
    private final CsvTimeParser times;
    private final CsvActionsFile actions;

    public CsvConnector(ConnectionSettings settings) {
        this(settings, Clock.systemUTC());
    }

    CsvConnector(ConnectionSettings settings, Clock clock) {
        this.settings = settings;
        this.properties = CsvConnectorProperties.of(settings);
        this.clock = clock;
        this.settingsDigest = settingsDigest(settings);
        this.times = new CsvTimeParser(settings.zone());
        this.actions = properties.actionsFile() == null ? null : new CsvActionsFile(properties.actionsFile(), settings.id(), clock);
    }

    /** Files have stage history and activities; no callbacks; writes only into {@code actions-file}. */
    @Override
    public Capabilities capabilities() {
        Capabilities reads = Capabilities.readOnly(true, true);
        return actions == null ? reads : new Capabilities(reads.stageHistory(), reads.activities(), reads.deletionFeed(),
                reads.rereadById(), reads.webhooks(), true, false, true);
    }

    /** With {@code actions-file}: tasks and comments become rows of that file (notifications arrive as tasks). */
    @Override
    public String write(CrmWrite write) {
        if (actions == null) {
            return Connector.super.write(write);
        }
        if (write.idempotencyKey() == null || write.idempotencyKey().isBlank()) {
            throw new io.planpilot.core.connector.ConnectorException("csv write: the idempotency key is empty");
        }
        return actions.write(write);
    }

    /** The folder and every file present: each required file there, every file UTF-8 with a good header. */
    @Override
    public ConnectionCheck check() {
        Path folder = properties.folder();
        if (!Files.isDirectory(folder)) {
            return new ConnectionCheck(List.of(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE,
                    "the folder " + folder.toAbsolutePath() + " (option path) does not exist")));
        }
        List<ConnectionCheck.Problem> problems = new ArrayList<>();
        for (CsvFile file : CsvFile.values()) {
            Path path = folder.resolve(file.fileName());
            if (!Files.isRegularFile(path)) {
                if (file.required()) {
                    problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED,
                            file.fileName() + " is missing in " + folder.toAbsolutePath()));
                }
                continue;
            }
            try {
                inspect(file);
            } catch (ConnectorException e) {
                problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()));
            }
        }
        return new ConnectionCheck(problems);
    }

    /** Pipelines and stages from stages.csv, users from users.csv, and deals.csv's columns as fields. */
    @Override
    public Discovery discover() {
        StageCatalog stages = new StagesCsvReader(settings.id()).read(inspect(CsvFile.STAGES));
        UsersCsvReader.Result users = new UsersCsvReader(settings.id()).read(inspect(CsvFile.USERS));
        List<Discovery.Field> fields = inspect(CsvFile.DEALS).header().names().stream()
                .map(name -> new Discovery.Field(name, name)).toList();
        return new Discovery(stages.pipelines(), stages.stages(), users.reps(), null, fields);
    }

    @Override
    public void read(SyncMode mode, String cursor, PageConsumer pages) {
        long readAt = clock.millis();
        Path folder = properties.folder();
        if (!Files.isDirectory(folder)) {
            throw new ConnectorException("CSV folder not found: " + folder + " (option path of connection '"
                    + settings.id() + "')");
        }
        CsvCursor previous = mode == SyncMode.FULL ? null
                : CsvCursor.parse(cursor).filter(c -> c.settingsDigest().equals(settingsDigest)).orElse(null);

        // Look: which files changed; inspect every file to be read before the first page
        Map<CsvFile, CsvTable> tables = new EnumMap<>(CsvFile.class);
        Map<CsvFile, CsvCursor.Entry> seen = new EnumMap<>(CsvFile.class);
        Set<CsvFile> changed = EnumSet.noneOf(CsvFile.class);
        for (CsvFile file : CsvFile.values()) {
            look(file, previous, tables, seen, changed);
        }
        boolean dealsChanged = changed.contains(CsvFile.DEALS) || changed.contains(CsvFile.DEAL_LINES)
                || changed.contains(CsvFile.STAGES);
        if (dealsChanged) {
            for (CsvFile file : List.of(CsvFile.STAGES, CsvFile.DEALS, CsvFile.DEAL_LINES)) {
                if (seen.containsKey(file) && !tables.containsKey(file)) {
                    tables.put(file, inspect(file));
                }
            }
        }

        // Read: what changed, page by page
        SyncPageAssembler out = new SyncPageAssembler(pages);
        List<Listing> listings = new ArrayList<>();
        StageCatalog stages = dealsChanged ? new StagesCsvReader(settings.id()).read(tables.get(CsvFile.STAGES)) : null;
        if (changed.contains(CsvFile.STAGES)) {
            out.pipelines(stages.pipelines());
            out.stages(stages.stages());
            out.warnings(stages.warnings());
        }
        if (changed.contains(CsvFile.USERS)) {
            UsersCsvReader.Result users = new UsersCsvReader(settings.id()).read(tables.get(CsvFile.USERS));
            out.reps(users.reps());
            out.warnings(users.warnings());
        }
        if (dealsChanged) {
            listings.add(readDeals(tables, stages, changed.contains(CsvFile.DEAL_LINES), out));
        }
        if (changed.contains(CsvFile.STAGE_HISTORY)) {
            CsvTable table = tables.get(CsvFile.STAGE_HISTORY);
            Set<String> ids = table == null ? Set.of() : new StageHistoryCsvReader(settings.id(), times).read(table, out);
            listings.add(new Listing(RecordKind.STAGE_TRANSITION, ids));
        }
        if (changed.contains(CsvFile.ACTIVITIES)) {
            CsvTable table = tables.get(CsvFile.ACTIVITIES);
            Set<String> ids = table == null ? Set.of() : new ActivitiesCsvReader(settings.id(), times).read(table, out);
            listings.add(new Listing(RecordKind.ACTIVITY, ids));
        }
        out.finish(listings, new CsvCursor(settingsDigest, readAt, seen).format());
    }

    /** Streams every deal with its lines; the lines' warnings only when deal_lines.csv itself changed. */
    private Listing readDeals(Map<CsvFile, CsvTable> tables, StageCatalog stages, boolean linesChanged,
                              SyncPageAssembler out) {
        CsvTable linesTable = tables.get(CsvFile.DEAL_LINES);
        DealLinesCsvReader.DealLines lines = linesTable == null ? DealLinesCsvReader.DealLines.none()
                : new DealLinesCsvReader().read(linesTable);
        if (linesChanged) {
            out.warnings(lines.warnings());
        }
        Set<String> dealIds = new DealsCsvReader(settings.id(), times, settings.baseCurrency(), settings.dimensions())
                .read(tables.get(CsvFile.DEALS), stages, lines, out);
        if (linesChanged) {
            out.warnings(lines.linesOfUnknownDeals(dealIds));
        }
        return new Listing(RecordKind.DEAL, dealIds);
    }

    /**
     * Decides whether {@code file} changed since {@code previous} (null: everything changed),
     * inspecting it unless the cursor vouches for it.
     */
    private void look(CsvFile file, CsvCursor previous, Map<CsvFile, CsvTable> tables,
                      Map<CsvFile, CsvCursor.Entry> seen, Set<CsvFile> changed) {
        Path path = properties.folder().resolve(file.fileName());
        Optional<CsvCursor.Entry> before = previous == null ? Optional.empty() : previous.entry(file);
        if (!Files.isRegularFile(path)) {
            if (file.required()) {
                throw new ConnectorException(file.fileName() + ": required file not found: " + path);
            }
            if (previous == null || before.isPresent()) {
                changed.add(file);
            }
            return;
        }
        FileFingerprint fingerprint = FileFingerprint.of(path);
        if (previous != null && previous.vouchesFor(file, fingerprint)) {
            seen.put(file, before.orElseThrow());
            return;
        }
        CsvTable table = inspect(file);
        tables.put(file, table);
        seen.put(file, new CsvCursor.Entry(table.fingerprint(), table.sha256()));
        if (before.map(entry -> !entry.sha256().equals(table.sha256())).orElse(true)) {
            changed.add(file);
        }
    }

    private CsvTable inspect(CsvFile file) {
        return CsvTable.inspect(properties.folder(), file, properties.columnsOf(file));
    }

    /** A digest of the settings that shape what a read produces; a cursor of other settings is ignored. */
    static String settingsDigest(ConnectionSettings settings) {
        StringBuilder text = new StringBuilder()
                .append("zone=").append(settings.zone().getId()).append('\n')
                .append("base-currency=").append(Money.normalizeCurrency(settings.baseCurrency())).append('\n');
        new TreeMap<>(settings.options()).forEach((key, value) ->
                text.append("option.").append(key).append('=').append(value).append('\n'));
        new TreeMap<>(settings.dimensions()).forEach((key, value) ->
                text.append("dimension.").append(key).append('=').append(value).append('\n'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
