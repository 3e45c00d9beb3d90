package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a file looks like from outside: its size and last-modified time. When both are as the
 * cursor recorded them, the file is taken as unchanged and not opened at all.
 */
record FileFingerprint(long size, long lastModifiedMillis) {

    static FileFingerprint of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileFingerprint(attributes.size(), attributes.lastModifiedTime().toMillis());
        } catch (IOException e) {
            throw new ConnectorException(file.getFileName() + ": cannot read " + file + ": " + e, e);
        }
    }
}
