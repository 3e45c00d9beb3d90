package io.planpilot.connector.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Strict UTF-8 text input: bytes that are not UTF-8 fail the read (instead of turning into
 * replacement characters), and a leading byte-order mark is skipped.
 */
final class Utf8Input {

    private static final int BUFFER = 1 << 16;
    private static final char BOM = '\uFEFF';

    private Utf8Input() {
    }

    /**
     * A reader of {@code in} that throws {@link java.nio.charset.CharacterCodingException} on bytes
     * that are not UTF-8; a BOM at the start is skipped.
     */
    static Reader reader(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), BUFFER);
        reader.mark(1);
        if (reader.read() != BOM) {
            reader.reset();
        }
        return reader;
    }

    /** Where a file's first byte that is not UTF-8 is. */
    record Position(long line, long byteOffset) {
    }

    /** The position of the first invalid byte of {@code file}, or empty when the file is valid UTF-8. */
    static Optional<Position> firstMalformed(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(BUFFER);
        CharBuffer out = CharBuffer.allocate(BUFFER);
        long consumed = 0;
        long line = 1;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            boolean eof = false;
            while (true) {
                eof = eof || channel.read(in) < 0;
                in.flip();
                CoderResult result = decoder.decode(in, out, eof);
                line += newlines(in.array(), in.position());
                if (result.isError()) {
                    return Optional.of(new Position(line, consumed + in.position()));
                }
                consumed += in.position();
                out.clear();
                in.compact();
                if (eof && in.position() == 0) {
                    return Optional.empty();
                }
            }
        }
    }

    private static long newlines(byte[] bytes, int end) {
        long count = 0;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') {
                count++;
            }
        }
        return count;
    }
}
