package io.planpilot.connector.csv;

import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Where a CSV connection's last read left off: for each file of the folder, its fingerprint (size and
 * last-modified time) and the SHA-256 of its content; a digest of the settings that shape what is
 * read (the {@code columns} renames, the dimension mapping, the path, the time zone, the base
 * currency); and when that read started.
 *
 * <p>Text, version 1: fields separated by {@code ;}, a version tag first, then {@code key=value}:
 * <pre>
 * csv1;settings=&lt;16 hex&gt;;read-at=&lt;epoch ms&gt;;&lt;file&gt;=&lt;size&gt;:&lt;last-modified epoch ms&gt;:&lt;sha-256 hex&gt;;...
 * csv1;settings=1f2e3d4c5b6a7988;read-at=1764230400000;stages=412:1764230000000:9f86d081...;deals=...
 * </pre>
 * {@code <file>} is the file's name without {@code .csv}; a file that was absent has no entry. A
 * cursor that does not parse, has another version tag, or another settings digest is ignored, and
 * the read is a full one.
 *
 * <p>A fingerprint vouches for unchanged content only when the file was last modified more than
 * {@link #MTIME_GRACE_MILLIS} before the read that recorded it started: a file written in the same
 * instant it was read (or on a file system with coarse timestamps) may change again without its
 * size or time changing, so such a file is hashed again next time (as git does with "racy" files).
 */
record CsvCursor(String settingsDigest, long readAtMillis, Map<CsvFile, CsvCursor.Entry> files) {

    static final String VERSION = "csv1";
    static final long MTIME_GRACE_MILLIS = 2_000;

    private static final String SETTINGS = "settings";
    private static final String READ_AT = "read-at";

    /** What the cursor knows of one file. */
    record Entry(FileFingerprint fingerprint, String sha256) {
    }

    CsvCursor {
        Map<CsvFile, Entry> copy = new EnumMap<>(CsvFile.class);
        copy.putAll(files);
        files = copy;
    }

    Optional<Entry> entry(CsvFile file) {
        return Optional.ofNullable(files.get(file));
    }

    /** Whether a file that now has {@code fingerprint} may be taken as unchanged without opening it. */
    boolean vouchesFor(CsvFile file, FileFingerprint fingerprint) {
        Entry entry = files.get(file);
        return entry != null && entry.fingerprint().equals(fingerprint)
                && fingerprint.lastModifiedMillis() < readAtMillis - MTIME_GRACE_MILLIS;
    }

    String format() {
        StringJoiner text = new StringJoiner(";");
        text.add(VERSION).add(SETTINGS + "=" + settingsDigest).add(READ_AT + "=" + readAtMillis);
        files.forEach((file, entry) -> text.add(file.key() + "=" + entry.fingerprint().size() + ":"
                + entry.fingerprint().lastModifiedMillis() + ":" + entry.sha256()));
        return text.toString();
    }

    /** The cursor written by {@link #format()}; empty when {@code text} is null or not such a cursor. */
    static Optional<CsvCursor> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] fields = text.split(";", -1);
        if (!fields[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            String settings = null;
            Long readAt = null;
            Map<CsvFile, Entry> files = new EnumMap<>(CsvFile.class);
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                String key = fields[i].substring(0, eq);
                String value = fields[i].substring(eq + 1);
                if (key.equals(SETTINGS)) {
                    settings = value;
                } else if (key.equals(READ_AT)) {
                    readAt = Long.parseLong(value);
                } else {
                    CsvFile file = CsvFile.byKey(key).orElseThrow(IllegalArgumentException::new);
                    String[] parts = value.split(":", -1);
                    HexFormat.of().parseHex(parts[2]);
                    files.put(file, new Entry(new FileFingerprint(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                            parts[2]));
                }
            }
            if (settings == null || readAt == null) {
                return Optional.empty();
            }
            return Optional.of(new CsvCursor(settings, readAt, files));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
