package io.planpilot.connector.csv;

import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.tck.RecordingPageConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a second read with the cursor reads again, and how a read is cut into pages. */
class CsvIncrementalReadTest {

    @TempDir
    Path folder;

    private CsvExport export;
    private String cursor;

    private void firstFullRead() {
        export = new CsvExport(folder).standard();
        cursor = export.full().cursor();
        assertThat(cursor).startsWith("csv1;");
    }

    private RecordingPageConsumer incremental() {
        RecordingPageConsumer pages = export.read(SyncMode.INCREMENTAL, cursor);
        cursor = pages.cursor();
        return pages;
    }

    @Test
    void unchangedFilesReadNothingAndHandOverOneEmptyPageWithTheCursor() {
        firstFullRead();

        RecordingPageConsumer pages = incremental();

        assertThat(pages.pages()).singleElement().satisfies(page -> {
            assertThat(page.isEmpty()).isTrue();
            assertThat(page.cursor()).isNotBlank();
        });
    }

    @Test
    void changingOnlyActivitiesReadsOnlyActivities() {
        firstFullRead();
        export.file("activities.csv", CsvExport.ACTIVITIES + "a3,MEETING,u2,d3,2026-10-07T09:00:00Z,,\n");

        RecordingPageConsumer pages = incremental();

        assertThat(pages.deals()).isEmpty();
        assertThat(pages.reps()).isEmpty();
        assertThat(pages.stages()).isEmpty();
        assertThat(pages.activities()).containsOnlyKeys("a1", "a2", "a3");
        assertThat(pages.pages()).flatExtracting(SyncPage::listings).extracting(Listing::kind)
                .containsExactly(RecordKind.ACTIVITY);
    }

    @Test
    void changingStagesReadsTheDealsAgain() {
        firstFullRead();
        export.file("stages.csv", CsvExport.STAGES.replace("proposal,Proposal,2,OPEN", "proposal,Proposal,2,WON"));

        RecordingPageConsumer pages = incremental();

        assertThat(pages.stages()).hasSize(4);
        assertThat(pages.deals()).containsOnlyKeys("d1", "d2", "d3");
        assertThat(pages.deal("d3").orElseThrow().status()).isEqualTo(DealStatus.WON);
        assertThat(pages.activities()).isEmpty();
        assertThat(pages.reps()).isEmpty();
    }

    @Test
    void changingDealLinesReadsTheDealsAgain() {
        firstFullRead();
        export.file("deal_lines.csv", "deal,product,amount\nd1,Widgets,1000\n");

        RecordingPageConsumer pages = incremental();

        assertThat(pages.deals()).hasSize(3);
        assertThat(pages.deal("d1").orElseThrow().lines()).hasSize(1);
        assertThat(pages.stages()).as("stages.csv did not change").isEmpty();
    }

    @Test
    void changingUsersReadsOnlyTheReps() {
        firstFullRead();
        export.file("users.csv", CsvExport.USERS + "u3,Vera,,,\n");

        RecordingPageConsumer pages = incremental();

        assertThat(pages.reps()).containsOnlyKeys("u1", "u2", "u3");
        assertThat(pages.deals()).isEmpty();
        assertThat(pages.listing(RecordKind.DEAL)).isEmpty();
    }

    @Test
    void aTouchedFileWithTheSameContentIsNotParsedAgain() {
        firstFullRead();
        export.lastModified("deals.csv", FileTime.from(Instant.now().plusSeconds(60)));

        RecordingPageConsumer pages = incremental();

        assertThat(pages.deals()).isEmpty();
    }

    @Test
    void aFileWithItsRecordedSizeAndTimeIsNotOpened() {
        export = new CsvExport(folder).standard().aged();
        cursor = export.full().cursor();
        FileTime recorded = export.lastModified("deals.csv");
        byte[] notUtf8 = new byte[CsvExport.DEALS.getBytes(StandardCharsets.UTF_8).length];
        Arrays.fill(notUtf8, (byte) 0xFF);
        export.bytes("deals.csv", notUtf8).lastModified("deals.csv", recorded);

        RecordingPageConsumer pages = incremental();

        assertThat(pages.deals()).as("trusted by size and time, never opened").isEmpty();
        assertThat(pages.pages()).hasSize(1);
    }

    @Test
    void aDealGoneFromTheFileIsMissingFromTheListing() {
        firstFullRead();
        export.file("deals.csv", CsvExport.DEALS.replaceAll("(?m)^d2,.*\\n", ""));

        RecordingPageConsumer pages = incremental();

        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids()).containsExactlyInAnyOrder("d1", "d3");
    }

    @Test
    void aRemovedActivitiesFileListsNoActivities() {
        firstFullRead();
        export.delete("activities.csv");

        RecordingPageConsumer pages = incremental();

        assertThat(pages.listing(RecordKind.ACTIVITY).orElseThrow().ids()).isEmpty();
        assertThat(pages.deals()).isEmpty();

        RecordingPageConsumer next = incremental();
        assertThat(next.listing(RecordKind.ACTIVITY)).as("still absent: nothing new").isEmpty();
    }

    @Test
    void changedRenamesReadEverythingAgain() {
        firstFullRead();
        export.options.put("columns.users.team", "team");

        RecordingPageConsumer pages = incremental();

        assertThat(pages.deals()).hasSize(3);
        assertThat(pages.reps()).hasSize(2);
    }

    @Test
    void aCursorThatDoesNotParseReadsEverything() {
        export = new CsvExport(folder).standard();

        RecordingPageConsumer pages = export.read(SyncMode.INCREMENTAL, "something else");

        assertThat(pages.deals()).hasSize(3);
    }

    @Test
    void largeFilesAreCutIntoPagesWithTheCursorAndListingsOnTheLastPageOnly() {
        int deals = 8_800;
        int activities = 50_000;
        StringBuilder dealRows = new StringBuilder(CsvExport.DEALS_HEADER).append('\n');
        IntStream.range(0, deals).forEach(i -> dealRows.append("d").append(i).append(",Deal ").append(i)
                .append(",sales,").append(i % 3 == 0 ? "won" : i % 3 == 1 ? "lost" : "proposal").append(',')
                .append(i * 10).append(",USD,u1,2026-01-01T10:00:00Z,2026-02-01T10:00:00Z,2026-03-01,,North,SMB,W\n"));
        String activityRows = "id,type,owner,deal,created_at,due_at,completed_at\n" + IntStream.range(0, activities)
                .mapToObj(i -> "a" + i + ",CALL,u1,d" + (i % deals) + ",2026-01-02T10:00:00,2026-01-03,2026-01-02T11:00:00Z\n")
                .collect(Collectors.joining());
        export = new CsvExport(folder).standard().file("deals.csv", dealRows.toString())
                .file("activities.csv", activityRows);

        long start = System.nanoTime();
        RecordingPageConsumer pages = export.full();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("CSV read of %d deals and %d activities: %d ms%n", deals, activities, millis);

        assertThat(pages.deals()).hasSize(deals);
        assertThat(pages.activities()).hasSize(activities);
        assertThat(pages.warnings()).isEmpty();
        assertThat(pages.pages()).allSatisfy(page -> {
            assertThat(page.deals()).hasSizeLessThanOrEqualTo(1_000);
            assertThat(page.activities()).hasSizeLessThanOrEqualTo(1_000);
        });
        SyncPage last = pages.pages().get(pages.pages().size() - 1);
        assertThat(pages.pages().subList(0, pages.pages().size() - 1)).allSatisfy(page -> {
            assertThat(page.cursor()).isNull();
            assertThat(page.listings()).isEmpty();
        });
        assertThat(last.cursor()).isNotBlank();
        assertThat(last.listings()).extracting(Listing::kind)
                .containsExactlyInAnyOrder(RecordKind.DEAL, RecordKind.STAGE_TRANSITION, RecordKind.ACTIVITY);
        assertThat(pages.pages().get(0).reps()).isNotEmpty();
        assertThat(pages.pages().get(0).stages()).isNotEmpty();
    }

    @Test
    void manyBadRowsAreCutIntoPagesOfWarningsToo() {
        String rows = IntStream.range(0, 2_500).mapToObj(i -> "d" + i + ",,sales,new,,,,not-a-date,,,,,,\n")
                .collect(Collectors.joining());
        export = new CsvExport(folder).standard().file("deals.csv", CsvExport.DEALS_HEADER + "\n" + rows);

        RecordingPageConsumer pages = export.full();

        assertThat(pages.warnings()).hasSize(2_500);
        assertThat(pages.pages()).allSatisfy(page -> assertThat(page.warnings()).hasSizeLessThanOrEqualTo(1_000));
        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids()).hasSize(2_500);
    }
}
