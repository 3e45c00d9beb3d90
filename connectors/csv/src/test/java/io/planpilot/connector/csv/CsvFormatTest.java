package io.planpilot.connector.csv;

import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Stage;
import io.planpilot.tck.RecordingPageConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What an admin sees when the connector reads the files of CONTRACT.md's CSV format. */
class CsvFormatTest {

    @TempDir
    Path folder;

    private CsvExport export() {
        return new CsvExport(folder).standard();
    }

    @Test
    void readsTheStandardExport() {
        RecordingPageConsumer pages = export().full();

        assertThat(pages.pages()).hasSize(1);
        assertThat(pages.warnings()).isEmpty();
        assertThat(pages.pipelines()).containsOnlyKeys("sales");
        assertThat(pages.pipelines().get("sales").name()).isEqualTo("Sales");
        assertThat(pages.stages().values()).extracting(Stage::id, Stage::semantic, Stage::sort, Stage::probability)
                .containsExactly(tuple("new", DealStatus.OPEN, new BigDecimal("1"), new BigDecimal("0.1")),
                        tuple("proposal", DealStatus.OPEN, new BigDecimal("2"), new BigDecimal("0.5")),
                        tuple("won", DealStatus.WON, new BigDecimal("3"), new BigDecimal("1")),
                        tuple("lost", DealStatus.LOST, new BigDecimal("4"), new BigDecimal("0")));
        assertThat(pages.reps().get("u1").active()).isTrue();
        assertThat(pages.reps().get("u2").active()).isFalse();
        assertThat(pages.reps().get("u2").email()).isNull();

        Deal won = pages.deal("d1").orElseThrow();
        assertThat(won.status()).isEqualTo(DealStatus.WON);
        assertThat(won.closedAt()).isEqualTo(Instant.parse("2026-10-20T10:00:00Z"));
        assertThat(won.amount()).isEqualByComparingTo("1000");
        assertThat(won.dimensions()).containsExactlyInAnyOrderEntriesOf(
                Map.of("region", "North", "segment", "SMB", "product", "Widgets"));
        assertThat(won.crmProbability()).isNull();
        assertThat(won.deleted()).isFalse();

        Deal lost = pages.deal("d2").orElseThrow();
        assertThat(lost.status()).isEqualTo(DealStatus.LOST);
        assertThat(lost.currency()).as("the base currency when empty").isEqualTo("USD");
        assertThat(lost.dimensions()).as("empty cells are missing").containsOnlyKeys("region");
        assertThat(lost.updatedAt()).isNull();

        Deal open = pages.deal("d3").orElseThrow();
        assertThat(open.status()).isEqualTo(DealStatus.OPEN);
        assertThat(open.closedAt()).isNull();
        assertThat(open.expectedClose()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(open.amount()).isEqualByComparingTo("700.50");
        assertThat(open.owner()).isEqualTo("u2");

        assertThat(pages.activities().get("a2").type()).as("case-insensitive").isEqualTo(ActivityType.TASK);
        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids()).containsExactlyInAnyOrder("d1", "d2", "d3");
        assertThat(pages.listing(RecordKind.ACTIVITY).orElseThrow().ids()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(pages.listing(RecordKind.STAGE_TRANSITION).orElseThrow().ids())
                .as("no stage_history.csv: no transitions").isEmpty();
    }

    @Test
    void acceptsAByteOrderMarkAndCrlfLineEnds() {
        String crlf = CsvExport.DEALS.replace("\n", "\r\n");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = crlf.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(text, 0, withBom, bom.length, text.length);

        RecordingPageConsumer pages = export().bytes("deals.csv", withBom).full();

        assertThat(pages.warnings()).isEmpty();
        assertThat(pages.deals()).containsOnlyKeys("d1", "d2", "d3");
        assertThat(pages.deal("d1").orElseThrow().dimensions()).as("the last column has no CR")
                .containsEntry("product", "Widgets");
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaksAndCountsLinesRight() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,\"Alpha, the \"\"big\"\" one\",sales,new,1,,,2026-10-01,,,,North,,\n"
                + "d2,\"Two\r\nline\nnote\",sales,new,2,,,2026-10-01,,,,,,\n"
                + "d3,Gamma,sales,new,3,,,2026-99-01,,,,,,\n").full();

        assertThat(pages.deal("d1").orElseThrow().title()).isEqualTo("Alpha, the \"big\" one");
        assertThat(pages.deal("d2").orElseThrow().title()).isEqualTo("Two\r\nline\nnote");
        assertThat(pages.warnings()).containsExactly(
                new SyncWarning("deals.csv", 6L, "created_at", "not a date or time: '2026-99-01'"));
    }

    @Test
    void readsTheThreeTimeFormsInTheConnectionsZone() {
        CsvExport export = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "date,,sales,new,,,,2026-11-03,,,,,,\n"
                + "local,,sales,new,,,,2026-11-03T14:05:00.250,,,,,,\n"
                + "offset,,sales,new,,,,2026-11-03T14:05:00+03:00,,,,,,\n"
                + "utc,,sales,new,,,,2026-11-03T11:05:00Z,,,,,,\n"
                + "minutes,,sales,new,,,,2026-11-03T14:05,,,,,,\n");
        export.zone = ZoneId.of("Europe/Moscow");

        RecordingPageConsumer pages = export.full();

        assertThat(pages.warnings()).isEmpty();
        assertThat(pages.deal("date").orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-11-02T21:00:00Z"));
        assertThat(pages.deal("local").orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-11-03T11:05:00.250Z"));
        assertThat(pages.deal("offset").orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-11-03T11:05:00Z"));
        assertThat(pages.deal("utc").orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-11-03T11:05:00Z"));
        assertThat(pages.deal("minutes").orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-11-03T11:05:00Z"));
    }

    @Test
    void anExpectedCloseWithATimeIsItsLocalDateAndADueDateIsTheEndOfTheDay() {
        CsvExport export = export()
                .file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                        + "d1,,sales,new,,,,2026-11-01,,2026-11-30T22:30:00Z,,,,\n")
                .file("activities.csv", "id,type,owner,deal,created_at,due_at,completed_at\n"
                        + "a1,TASK,u1,,2026-11-01,2026-11-10,\n"
                        + "a2,TASK,u1,,2026-11-01,2026-11-10T12:00:00,\n");
        export.zone = ZoneId.of("Europe/Moscow");

        RecordingPageConsumer pages = export.full();

        assertThat(pages.deal("d1").orElseThrow().expectedClose()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(pages.activities().get("a1").dueAt()).isEqualTo(Instant.parse("2026-11-10T20:59:59.999999Z"));
        assertThat(pages.activities().get("a2").dueAt()).isEqualTo(Instant.parse("2026-11-10T09:00:00Z"));
    }

    @Test
    void columnOrderIsFreeAndUnknownColumnsAreIgnored() {
        RecordingPageConsumer pages = export().file("deals.csv", """
                Notes,created_at,stage,amount,pipeline,id
                hello,2026-10-01,won,42,sales,d9
                """).full();

        Deal deal = pages.deal("d9").orElseThrow();
        assertThat(deal.amount()).isEqualByComparingTo("42");
        assertThat(deal.status()).isEqualTo(DealStatus.WON);
        assertThat(deal.dimensions()).isEmpty();
        assertThat(pages.warnings()).extracting(SyncWarning::column).containsExactly("closed_at");
    }

    @Test
    void columnsRenamesReadExportsWithOtherHeaders() {
        CsvExport export = export().file("deals.csv", """
                id,Pipeline,Stage,Deal value,Responsible,Created
                d1,sales,new,1200.5,u1,2026-10-01
                """);
        export.options.put("columns.deals.amount", "Deal value");
        export.options.put("columns.deals.owner", "Responsible");
        export.options.put("columns.deals.created_at", "Created");

        RecordingPageConsumer pages = export.full();

        assertThat(pages.warnings()).isEmpty();
        Deal deal = pages.deal("d1").orElseThrow();
        assertThat(deal.amount()).isEqualByComparingTo("1200.5");
        assertThat(deal.owner()).isEqualTo("u1");
        assertThat(deal.pipeline()).as("headers match case-insensitively").isEqualTo("sales");
    }

    @Test
    void aDimensionMappedToAnotherColumnWinsOverTheStandardColumn() {
        CsvExport export = export().file("deals.csv", """
                id,pipeline,stage,created_at,region,segment,Territory,Team
                d1,sales,new,2026-10-01,North,SMB,Siberia,Hunters
                d2,sales,new,2026-10-01,South,,,
                """);
        export.dimensions.put("region", "Territory");
        export.dimensions.put("team", "Team");

        RecordingPageConsumer pages = export.full();

        assertThat(pages.warnings()).isEmpty();
        assertThat(pages.deal("d1").orElseThrow().dimensions()).containsExactlyInAnyOrderEntriesOf(
                Map.of("region", "Siberia", "segment", "SMB", "team", "Hunters"));
        assertThat(pages.deal("d2").orElseThrow().dimensions()).as("no Territory value: no region").isEmpty();
    }

    @Test
    void aMappedColumnMissingFromTheHeaderIsOneWarningNotAFailure() {
        CsvExport export = export();
        export.dimensions.put("segment", "Industry");

        RecordingPageConsumer pages = export.full();

        assertThat(pages.deals()).hasSize(3);
        assertThat(pages.warnings()).singleElement().satisfies(w -> {
            assertThat(w.file()).isEqualTo("deals.csv");
            assertThat(w.column()).isEqualTo("Industry");
            assertThat(w.reason()).startsWith("mapped column not in header");
        });
        assertThat(pages.deal("d1").orElseThrow().dimensions()).doesNotContainKey("segment");
    }

    @Test
    void aRowWithABadDateIsAWarningTheOthersAreImportedAndItsIdStaysListed() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,,sales,new,,,,2026-10-01,,,,,,\n"
                + "d2,,sales,new,,,,2026-13-45,,,,,,\n"
                + "d3,,sales,new,,,,2026-10-03,,,,,,\n").full();

        assertThat(pages.deals()).containsOnlyKeys("d1", "d3");
        assertThat(pages.warnings()).containsExactly(
                new SyncWarning("deals.csv", 3L, "created_at", "not a date or time: '2026-13-45'"));
        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids()).containsExactlyInAnyOrder("d1", "d2", "d3");
    }

    @Test
    void rowsThatDoNotParseAreWarningsNamingTheColumn() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,,sales,new,12 000,,,2026-10-01,,,,,,\n"
                + "d2,,sales,nowhere,,,,2026-10-01,,,,,,\n"
                + "d3,,sales,new,,,,,,,,,,\n"
                + "d4,,sales,new\n"
                + ",,sales,new,,,,2026-10-01,,,,,,\n"
                + "d5,,sales,new,,,,2026-10-01,,,,,,\n").full();

        assertThat(pages.deals()).containsOnlyKeys("d5");
        assertThat(pages.warnings()).extracting(SyncWarning::line, SyncWarning::column).containsExactly(
                tuple(2L, "amount"), tuple(3L, "stage"), tuple(4L, "created_at"), tuple(5L, null), tuple(6L, "id"));
        assertThat(pages.warnings().get(0).reason()).contains("'12 000'");
        assertThat(pages.warnings().get(1).reason()).contains("unknown stage 'nowhere'");
        assertThat(pages.warnings().get(3).reason()).contains("4 values").contains("14 columns");
        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids())
                .containsExactlyInAnyOrder("d1", "d2", "d3", "d4", "d5");
    }

    @Test
    void aSecondRowWithTheSameIdIsAWarning() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,First,sales,new,,,,2026-10-01,,,,,,\n"
                + "d1,Second,sales,new,,,,2026-10-01,,,,,,\n").full();

        assertThat(pages.deal("d1").orElseThrow().title()).isEqualTo("First");
        assertThat(pages.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3L);
            assertThat(w.reason()).contains("already on line 2");
        });
    }

    @Test
    void aWonDealWithoutClosedAtIsImportedWithAWarningClosedAtUpdatedAtElseCreatedAt() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,,sales,won,100,,,2026-10-01T10:00:00Z,,,2026-10-15T08:00:00Z,,,\n"
                + "d2,,sales,lost,100,,,2026-10-02T10:00:00Z,,,,,,\n"
                + "d3,,sales,new,100,,,2026-10-03T10:00:00Z,2026-10-04T10:00:00Z,,,,,\n").full();

        assertThat(pages.deal("d1").orElseThrow().closedAt()).isEqualTo(Instant.parse("2026-10-15T08:00:00Z"));
        assertThat(pages.deal("d2").orElseThrow().closedAt()).isEqualTo(Instant.parse("2026-10-02T10:00:00Z"));
        assertThat(pages.deal("d3").orElseThrow().closedAt()).as("an open deal has no closedAt").isNull();
        assertThat(pages.warnings()).extracting(SyncWarning::file, SyncWarning::line, SyncWarning::column)
                .containsExactly(tuple("deals.csv", 2L, "closed_at"), tuple("deals.csv", 3L, "closed_at"));
        assertThat(pages.warnings().get(0).reason()).contains("WON").contains("updated_at");
        assertThat(pages.warnings().get(1).reason()).contains("LOST").contains("created_at");
    }

    @Test
    void currencyCodesAreCaseInsensitive() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n"
                + "d1,,sales,new,10,eur,,2026-10-01,,,,,,\n"
                + "d2,,sales,new,10, Rub ,,2026-10-01,,,,,,\n").full();

        assertThat(pages.deal("d1").orElseThrow().currency()).isEqualTo("EUR");
        assertThat(pages.deal("d2").orElseThrow().currency()).isEqualTo("RUB");
    }

    @Test
    void dealLinesAreAttachedToTheirDealAsSeparateRows() {
        RecordingPageConsumer pages = export().file("deal_lines.csv", """
                deal,product,amount
                d1,Widgets,600
                d1,Gadgets,300
                d1,Widgets,100
                d3,Services,700.50
                d9,Ghost,1
                d3,Broken,x
                """).full();

        assertThat(pages.deal("d1").orElseThrow().lines()).containsExactly(
                new ProductLine("Widgets", new BigDecimal("600")), new ProductLine("Gadgets", new BigDecimal("300")),
                new ProductLine("Widgets", new BigDecimal("100")));
        assertThat(pages.deal("d3").orElseThrow().lines()).containsExactly(
                new ProductLine("Services", new BigDecimal("700.50")));
        assertThat(pages.deal("d2").orElseThrow().lines()).isEmpty();
        assertThat(pages.warnings()).extracting(SyncWarning::file, SyncWarning::line, SyncWarning::column)
                .containsExactlyInAnyOrder(tuple("deal_lines.csv", 7L, "amount"), tuple("deal_lines.csv", 6L, "deal"));
    }

    @Test
    void stageHistoryBecomesTransitionsWithDerivedIds() {
        RecordingPageConsumer pages = export().file("stage_history.csv", """
                deal,stage,entered_at
                d1,new,2026-10-01T10:00:00Z
                d1,won,2026-10-20T10:00:00Z
                d1,won,2026-10-20T10:00:00Z
                d3,proposal,yesterday
                """).full();

        assertThat(pages.transitions()).containsOnlyKeys("d1|new|2026-10-01T10:00:00Z", "d1|won|2026-10-20T10:00:00Z");
        assertThat(pages.listing(RecordKind.STAGE_TRANSITION).orElseThrow().ids()).hasSize(2);
        assertThat(pages.warnings()).extracting(SyncWarning::line).containsExactly(4L, 5L);
        assertThat(pages.deal("d1").orElseThrow().closedAt()).as("the deal's closed_at wins")
                .isEqualTo(Instant.parse("2026-10-20T10:00:00Z"));
    }

    @Test
    void aStageProbabilityOutsideZeroToOneIsAWarningAndTheStageIsKept() {
        RecordingPageConsumer pages = export().file("stages.csv", """
                pipeline,stage,sort,semantic,probability
                sales,new,1,open,45
                sales,won,2,WON,
                sales,lost,3,LOST,
                sales,proposal,4,MAYBE,
                """).full();

        assertThat(pages.stages()).containsOnlyKeys("sales/new", "sales/won", "sales/lost");
        assertThat(pages.stages().get("sales/new").probability()).isNull();
        assertThat(pages.stages().get("sales/new").name()).isEqualTo("new");
        assertThat(pages.pipelines().get("sales").name()).as("no pipeline_name: the id").isEqualTo("sales");
        assertThat(pages.warnings()).extracting(SyncWarning::file, SyncWarning::line, SyncWarning::column)
                .contains(tuple("stages.csv", 2L, "probability"), tuple("stages.csv", 5L, "semantic"));
    }

    @Test
    void badUserAndActivityRowsAreWarnings() {
        RecordingPageConsumer pages = export()
                .file("users.csv", "id,name,active\nu1,Anna,TRUE\nu2,Boris,yes\nu3,,true\n")
                .file("activities.csv", "id,type,created_at\na1,CALL,2026-10-01\na2,VISIT,2026-10-01\n").full();

        assertThat(pages.reps()).containsOnlyKeys("u1");
        assertThat(pages.activities()).containsOnlyKeys("a1");
        assertThat(pages.listing(RecordKind.ACTIVITY).orElseThrow().ids()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(pages.warnings()).extracting(SyncWarning::file, SyncWarning::line, SyncWarning::column)
                .containsExactlyInAnyOrder(tuple("users.csv", 3L, "active"), tuple("users.csv", 4L, "name"),
                        tuple("activities.csv", 3L, "type"));
    }

    @Test
    void blankLinesAreSkippedSilently() {
        RecordingPageConsumer pages = export().file("deals.csv", CsvExport.DEALS_HEADER + "\n\n"
                + "d1,,sales,new,,,,2026-10-01,,,,,,\n\n\n").full();

        assertThat(pages.deals()).containsOnlyKeys("d1");
        assertThat(pages.warnings()).isEmpty();
    }
}
