package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.tck.RecordingPageConsumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** A CSV export folder written by a test, and a connection to it. */
final class CsvExport {

    static final String STAGES = """
            pipeline,pipeline_name,stage,name,sort,semantic,probability
            sales,Sales,new,New,1,OPEN,0.1
            sales,Sales,proposal,Proposal,2,OPEN,0.5
            sales,Sales,won,Won,3,WON,1
            sales,Sales,lost,Lost,4,LOST,0
            """;
    static final String USERS = """
            id,name,email,active,team
            u1,Anna,anna@example.com,true,North
            u2,Boris,,false,
            """;
    static final String DEALS_HEADER = "id,title,pipeline,stage,amount,currency,owner,created_at,closed_at,"
            + "expected_close,updated_at,region,segment,product";
    static final String DEALS = DEALS_HEADER + "\n"
            + "d1,Alpha,sales,won,1000,USD,u1,2026-10-01T10:00:00Z,2026-10-20T10:00:00Z,,2026-10-20T10:00:00Z,North,SMB,Widgets\n"
            + "d2,Beta,sales,lost,500,,u1,2026-10-02T10:00:00Z,2026-10-21T10:00:00Z,,,South,,\n"
            + "d3,Gamma,sales,proposal,700.50,USD,u2,2026-10-03T10:00:00Z,,2026-12-01,,North,Enterprise,\n";
    static final String ACTIVITIES = """
            id,type,owner,deal,created_at,due_at,completed_at
            a1,CALL,u1,d1,2026-10-05T09:00:00Z,,2026-10-05T09:30:00Z
            a2,task,u1,d3,2026-10-06T09:00:00Z,2026-10-10,
            """;

    final Path folder;
    final Map<String, String> options = new HashMap<>();
    final Map<String, String> dimensions = new HashMap<>();
    ZoneId zone = ZoneId.of("UTC");

    CsvExport(Path folder) {
        this.folder = folder;
        options.put("path", folder.toString());
    }

    /** stages.csv, users.csv, deals.csv and activities.csv of the constants above. */
    CsvExport standard() {
        return file("stages.csv", STAGES).file("users.csv", USERS).file("deals.csv", DEALS)
                .file("activities.csv", ACTIVITIES);
    }

    CsvExport file(String name, String text) {
        return bytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    CsvExport bytes(String name, byte[] content) {
        try {
            Files.write(folder.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    CsvExport delete(String name) {
        try {
            Files.delete(folder.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sets the last-modified time of every file of the folder an hour back, as for files exported a while ago. */
    CsvExport aged() {
        try (var files = Files.list(folder)) {
            FileTime hourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
            files.forEach(file -> lastModified(file, hourAgo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FileTime lastModified(String name) {
        try {
            return Files.getLastModifiedTime(folder.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CsvExport lastModified(String name, FileTime time) {
        lastModified(folder.resolve(name), time);
        return this;
    }

    private static void lastModified(Path file, FileTime time) {
        try {
            Files.setLastModifiedTime(file, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConnectionSettings settings() {
        return new ConnectionSettings("crm", "csv", zone, "USD", dimensions, options);
    }

    CsvConnector connector() {
        return new CsvConnector(settings());
    }

    RecordingPageConsumer read(SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector().read(mode, cursor, pages);
        return pages;
    }

    RecordingPageConsumer full() {
        return read(SyncMode.FULL, null);
    }
}
