package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a CSV connection writes the adapter's tasks and comments: one row each in a CSV file
 * ({@code actions-file}) that people or another system take from there, with the columns
 * {@value #HEADER_TEXT}. The row number is the CRM id; a write whose idempotency key the file holds
 * already returns that row's id and writes nothing.
 */
final class CsvActionsFile {

    static final String[] HEADER = {"id", "idempotency_key", "kind", "assignee", "deal_id", "title", "text", "deadline", "written_at"};
    static final String HEADER_TEXT = "id, idempotency_key, kind, assignee, deal_id, title, text, deadline, written_at";
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

    private final Path file;
    private final String connection;
    private final Clock clock;
    /** The file's keys and their ids, read once on the first write. */
    private Map<String, String> ids;

    CsvActionsFile(Path file, String connection, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
    }

    synchronized String write(CrmWrite write) {
        if (ids == null) {
            ids = read();
        }
        String existing = ids.get(write.idempotencyKey());
        if (existing != null) {
            return existing;
        }
        String id = Integer.toString(ids.size() + 1);
        Instant now = clock.instant();
        String[] row = write instanceof CrmWrite.Task task
                ? new String[] {id, task.idempotencyKey(), "TASK", task.assignee(), task.dealId(), task.title(), task.description(),
                        task.deadline() == null ? "" : task.deadline().toString(), now.toString()}
                : row(id, (CrmWrite.Comment) write, now);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
                if (fresh) {
                    printer.printRecord((Object[]) HEADER);
                }
                printer.printRecord((Object[]) row);
            }
        } catch (IOException e) {
            throw new ConnectorException("csv connection '" + connection + "': cannot write to actions-file " + file + ": " + e.getMessage(), e);
        }
        ids.put(write.idempotencyKey(), id);
        return id;
    }

    private static String[] row(String id, CrmWrite.Comment comment, Instant now) {
        return new String[] {id, comment.idempotencyKey(), "COMMENT", "", comment.dealId(), "", comment.text(), "", now.toString()};
    }

    private Map<String, String> read() {
        Map<String, String> keys = new HashMap<>();
        if (!Files.exists(file)) {
            return keys;
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord record : FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                keys.put(record.get("idempotency_key"), record.get("id"));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new ConnectorException("csv connection '" + connection + "': actions-file " + file
                    + " cannot be read as the adapter's actions (" + e.getMessage() + "); move it away to start a new one", e);
        }
        return keys;
    }
}
