package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectorException;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One file of the folder whose encoding, header and CSV structure have been checked.
 *
 * <p>{@link #inspect} reads the file once, streaming, without making records: it hashes the bytes,
 * decodes them strictly as UTF-8, checks the header and lets the CSV parser run to the end. Any
 * problem there rejects the file whole with a {@link ConnectorException} that names it. The
 * connector inspects every file it needs before it hands over the first page, so a bad file fails
 * the run before anything stored changes. {@link #forEachRow} then streams the rows and checks that
 * the bytes still hash the same (a file rewritten meanwhile fails the run before its last page).
 */
final class CsvTable {

    /** RFC 4180 (CRLF or LF), with blank lines kept so that row line numbers stay exact. */
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private final CsvFile file;
    private final Path path;
    private final FileFingerprint fingerprint;
    private final String sha256;
    private final CsvHeader header;

    private CsvTable(CsvFile file, Path path, FileFingerprint fingerprint, String sha256, CsvHeader header) {
        this.file = file;
        this.path = path;
        this.fingerprint = fingerprint;
        this.sha256 = sha256;
        this.header = header;
    }

    /**
     * Checks {@code file} of {@code folder}.
     *
     * @param renames the {@code columns} option of this file: expected column name to header
     * @throws ConnectorException naming the file when it is not UTF-8, its header is broken or it is not CSV
     */
    static CsvTable inspect(Path folder, CsvFile file, Map<String, String> renames) {
        Path path = folder.resolve(file.fileName());
        FileFingerprint before = FileFingerprint.of(path);
        MessageDigest digest = newDigest();
        CsvHeader header;
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest);
             CSVParser parser = parser(in)) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                throw new ConnectorException(file.fileName() + ": the file is empty; expected a header row with "
                        + String.join(", ", file.columns().stream().filter(file::isRequiredColumn).toList()));
            }
            header = CsvHeader.of(file, records.next().toList(), renames);
            while (records.hasNext()) {
                records.next();
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(file, path, e);
        }
        if (!FileFingerprint.of(path).equals(before)) {
            throw changedWhileRead(file);
        }
        return new CsvTable(file, path, before, HexFormat.of().formatHex(digest.digest()), header);
    }

    CsvFile file() {
        return file;
    }

    FileFingerprint fingerprint() {
        return fingerprint;
    }

    String sha256() {
        return sha256;
    }

    CsvHeader header() {
        return header;
    }

    /**
     * Streams the data rows in file order (blank lines skipped), each with the line it starts on.
     *
     * @throws ConnectorException when the file cannot be read or no longer is what {@link #inspect} saw
     */
    void forEachRow(Consumer<CsvRow> rows) {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest);
             CSVParser parser = parser(in)) {
            Iterator<CSVRecord> records = parser.iterator();
            if (records.hasNext()) {
                records.next();
            }
            while (true) {
                // the parser has just ended the previous record's last line: the next record starts below it
                long line = parser.getCurrentLineNumber() + 1;
                if (!records.hasNext()) {
                    break;
                }
                CsvRow row = new CsvRow(file, line, records.next(), header);
                if (!row.isBlank()) {
                    rows.accept(row);
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(file, path, e);
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
            throw changedWhileRead(file);
        }
    }

    private static CSVParser parser(InputStream in) throws IOException {
        return CSVParser.builder().setReader(Utf8Input.reader(in)).setFormat(FORMAT).get();
    }

    private static ConnectorException unreadable(CsvFile file, Path path, Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof CharacterCodingException) {
            return new ConnectorException(file.fileName() + ": not valid UTF-8" + malformedAt(path)
                    + "; re-save the export as UTF-8", e);
        }
        if (cause instanceof CSVException) {
            return new ConnectorException(file.fileName() + ": not valid CSV (RFC 4180): " + cause.getMessage(), e);
        }
        if (cause instanceof NoSuchFileException) {
            return new ConnectorException(file.fileName() + ": file not found: " + path, e);
        }
        return new ConnectorException(file.fileName() + ": cannot read " + path + ": " + cause, e);
    }

    private static String malformedAt(Path path) {
        try {
            Optional<Utf8Input.Position> at = Utf8Input.firstMalformed(path);
            return at.map(p -> " (line " + p.line() + ", byte offset " + p.byteOffset() + ")").orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static ConnectorException changedWhileRead(CsvFile file) {
        return new ConnectorException(file.fileName() + ": the file changed while it was being read (is an export"
                + " still writing it?); the next sync reads it again. Write exports to a temporary name and rename.");
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
