package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.tck.RecordingPageConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file that cannot be read as a whole fails the run before any page, so nothing stored changes. */
class CsvRejectedFileTest {

    @TempDir
    Path folder;

    private final RecordingPageConsumer pages = new RecordingPageConsumer();

    private CsvExport export() {
        return new CsvExport(folder).standard();
    }

    private void read(CsvExport export) {
        export.connector().read(SyncMode.FULL, null, pages);
    }

    @Test
    void aWindows1251FileIsRejectedNamingTheFileAndUtf8() {
        String text = CsvExport.DEALS_HEADER + "\n"
                + "d1,Deal,sales,new,1,,,2026-10-01,,,,,,\n"
                + "d2,Сделка,sales,new,1,,,2026-10-01,,,,,,\n";
        CsvExport export = export().bytes("deals.csv", text.getBytes(Charset.forName("windows-1251")));
        int offset = (CsvExport.DEALS_HEADER + "\nd1,Deal,sales,new,1,,,2026-10-01,,,,,,\nd2,").length();

        assertThatThrownBy(() -> read(export))
                .isInstanceOf(ConnectorException.class)
                .hasMessage("deals.csv: not valid UTF-8 (line 3, byte offset " + offset
                        + "); re-save the export as UTF-8");
        assertThat(pages.pages()).as("no page handed over").isEmpty();
    }

    @Test
    void aBadOptionalFileRejectsTheRunBeforeAnyPageEvenWhenTheOthersAreFine() {
        CsvExport export = export().bytes("activities.csv",
                "id,type,created_at\na1,CALL,2026-10-01\na2,Звонок,2026-10-01\n".getBytes(Charset.forName("windows-1251")));

        assertThatThrownBy(() -> read(export)).hasMessageStartingWith("activities.csv: not valid UTF-8 (line 3,");
        assertThat(pages.pages()).isEmpty();
    }

    @Test
    void aMissingRequiredColumnIsRejectedNamingFileAndColumn() {
        CsvExport export = export().file("deals.csv", "id,title,pipeline,stage\nd1,A,sales,new\n");

        assertThatThrownBy(() -> read(export))
                .isInstanceOf(ConnectorException.class)
                .hasMessage("deals.csv: header lacks required column 'created_at' (found: id, title, pipeline, stage)");
        assertThat(pages.pages()).isEmpty();
    }

    @Test
    void aRenamedRequiredColumnMissingFromTheHeaderSaysWhichRename() {
        CsvExport export = export();
        export.options.put("columns.deals.created_at", "Created on");

        assertThatThrownBy(() -> read(export))
                .hasMessageStartingWith("deals.csv: header lacks required column 'created_at' (as 'Created on', "
                        + "from columns.deals.created_at)");
    }

    @Test
    void aMissingDealsFileIsRejectedNamingFileAndPath() {
        CsvExport export = export().delete("deals.csv");

        assertThatThrownBy(() -> read(export))
                .isInstanceOf(ConnectorException.class)
                .hasMessage("deals.csv: required file not found: " + folder.toAbsolutePath().resolve("deals.csv"));
        assertThat(pages.pages()).isEmpty();
    }

    @Test
    void aMissingFolderFailsTheRun() {
        CsvExport export = export();
        export.options.put("path", folder.resolve("nowhere").toString());

        assertThatThrownBy(() -> read(export))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining("CSV folder not found").hasMessageContaining("nowhere");
    }

    @Test
    void aHeaderWithTheSameColumnTwiceIsRejected() {
        CsvExport export = export().file("users.csv", "id,name,Name\nu1,Anna,Anna\n");

        assertThatThrownBy(() -> read(export))
                .hasMessage("users.csv: the header has the column 'Name' twice (columns 2 and 3)");
    }

    @Test
    void anEmptyFileIsRejected() {
        CsvExport export = export().file("stages.csv", "");

        assertThatThrownBy(() -> read(export)).hasMessageStartingWith("stages.csv: the file is empty");
    }

    @Test
    void anUnclosedQuoteIsRejected() {
        CsvExport export = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,\"never closed,sales,new,1,,,2026-10-01,,,,,,\n");

        assertThatThrownBy(() -> read(export)).hasMessageStartingWith("deals.csv: not valid CSV");
        assertThat(pages.pages()).isEmpty();
    }

    @Test
    void theSameBytesInUtf8AreFine() {
        String text = CsvExport.DEALS_HEADER + "\nd2,Сделка,sales,new,1,,,2026-10-01,,,,,,\n";

        read(export().bytes("deals.csv", text.getBytes(StandardCharsets.UTF_8)));

        assertThat(pages.deals().get("d2").title()).isEqualTo("Сделка");
    }
}
