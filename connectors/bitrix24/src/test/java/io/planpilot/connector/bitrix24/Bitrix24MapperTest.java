package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.CrmCurrencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bitrix24's JSON, in the shapes of its documentation, to the domain (MAPPING.md, the Bitrix24 column). */
class Bitrix24MapperTest {

    private static final JsonMapper JSON = io.planpilot.connector.support.JacksonCodec.emptyStringsAsNullMapper();
    private static final String ENDPOINT = Bitrix24Client.DEAL_LIST;

    private final Bitrix24Mapper mapper = new Bitrix24Mapper("b24", Map.of("region", "UF_CRM_REGION", "segment", "SOURCE_ID"));

    private static final Map<String, DealStatus> STAGES = Map.of("NEW", DealStatus.OPEN, "WON", DealStatus.WON,
            "LOSE", DealStatus.LOST, "C1:NEW", DealStatus.OPEN, "C1:WON", DealStatus.WON);
    private static final Bitrix24Mapper.Labels LABELS = new Bitrix24Mapper.Labels(Map.of(
            "UF_CRM_REGION", Map.of("3157", "North"), "SOURCE_ID", Map.of("CALL", "Call")));

    private static Bitrix24Dtos.Deal deal(String json) {
        return JSON.readValue(json, Bitrix24Dtos.Deal.class);
    }

    private static Bitrix24Mapper.DealContext context(Instant enteredCurrentStage, List<Bitrix24Dtos.ProductRow> rows) {
        return new Bitrix24Mapper.DealContext(STAGES, enteredCurrentStage, rows, LABELS, "RUB");
    }

    /** A won deal of the second pipeline, exactly as crm.deal.list sends it: strings for ids and amounts, offsets on dates. */
    private static final String WON_DEAL = """
            {"ID":"37","TITLE":"[A] Deal","TYPE_ID":"COMPLEX","CATEGORY_ID":"1","STAGE_ID":"C1:WON","STAGE_SEMANTIC_ID":"S",
             "OPPORTUNITY":"19999.99","CURRENCY_ID":"EUR","PROBABILITY":"35","ASSIGNED_BY_ID":"6",
             "DATE_CREATE":"2024-09-02T18:37:18+02:00","DATE_MODIFY":"2024-09-20T10:00:00+03:00",
             "CLOSEDATE":"2024-09-09T00:00:00+03:00","MOVED_TIME":"2024-09-15T12:00:00+03:00","CLOSED":"Y",
             "UF_CRM_REGION":"3157","SOURCE_ID":"CALL","UF_CRM_NOTE":"kept aside"}
            """;

    @Test
    void stringIdsAndNumbersDatesWithOffsetsAndFlagsReadAsTheDomainWants() {
        Deal deal = mapper.deal(deal(WON_DEAL), context(null, List.of()), ENDPOINT, "result[0]");

        assertThat(deal.id()).isEqualTo("37");
        assertThat(deal.connection()).isEqualTo("b24");
        assertThat(deal.title()).isEqualTo("[A] Deal");
        assertThat(deal.pipeline()).isEqualTo("1");
        assertThat(deal.stage()).as("stages of other pipelines keep their C{id}: prefix").isEqualTo("C1:WON");
        assertThat(deal.amount()).isEqualByComparingTo("19999.99");
        assertThat(deal.currency()).isEqualTo("EUR");
        assertThat(deal.owner()).isEqualTo("6");
        assertThat(deal.createdAt()).isEqualTo(Instant.parse("2024-09-02T16:37:18Z"));
        assertThat(deal.updatedAt()).isEqualTo(Instant.parse("2024-09-20T07:00:00Z"));
        assertThat(deal.expectedClose()).as("CLOSEDATE's date as written, not shifted to UTC")
                .isEqualTo(LocalDate.of(2024, 9, 9));
        assertThat(deal.crmProbability()).as("PROBABILITY 35 (percent)").isEqualByComparingTo("0.35");
        assertThat(deal.dimensions()).containsEntry("region", "North").containsEntry("segment", "Call");
        assertThat(deal.deleted()).isFalse();
    }

    @Test
    void closedAtIsWhenTheHistorySaysTheDealEnteredItsClosedStageElseMovedTimeNeverCloseDate() {
        Instant fromHistory = Instant.parse("2024-09-14T08:30:00Z");

        Deal withHistory = mapper.deal(deal(WON_DEAL), context(fromHistory, List.of()), ENDPOINT, "result[0]");
        Deal withoutHistory = mapper.deal(deal(WON_DEAL), context(null, List.of()), ENDPOINT, "result[0]");

        assertThat(withHistory.status()).isEqualTo(DealStatus.WON);
        assertThat(withHistory.closedAt()).isEqualTo(fromHistory);
        assertThat(withoutHistory.closedAt()).as("MOVED_TIME").isEqualTo(Instant.parse("2024-09-15T09:00:00Z"));
        assertThat(withoutHistory.closedAt()).isNotEqualTo(LocalDate.of(2024, 9, 9).atStartOfDay().toInstant(java.time.ZoneOffset.ofHours(3)));
    }

    @Test
    void anOpenDealHasNoClosedAtAndItsCloseDateIsTheExpectedClose() {
        Deal deal = mapper.deal(deal("""
                {"ID":"38","TITLE":"Open","CATEGORY_ID":"0","STAGE_ID":"NEW","STAGE_SEMANTIC_ID":"P","OPPORTUNITY":"0.00",
                 "CURRENCY_ID":"","PROBABILITY":"","ASSIGNED_BY_ID":"1","DATE_CREATE":"2024-09-02T18:37:38+02:00",
                 "DATE_MODIFY":"2024-09-02T18:37:38+02:00","CLOSEDATE":"2024-12-31T00:00:00-05:00",
                 "MOVED_TIME":"2024-09-02T18:37:38+02:00","CLOSED":"N","UF_CRM_REGION":null,"SOURCE_ID":""}
                """), context(Instant.parse("2024-09-03T00:00:00Z"), List.of()), ENDPOINT, "result[0]");

        assertThat(deal.status()).isEqualTo(DealStatus.OPEN);
        assertThat(deal.closedAt()).isNull();
        assertThat(deal.expectedClose()).isEqualTo(LocalDate.of(2024, 12, 31));
        assertThat(deal.amount()).as("an amount of 0 is an amount").isEqualByComparingTo("0");
        assertThat(deal.currency()).as("no CURRENCY_ID: the portal's base currency").isEqualTo("RUB");
        assertThat(deal.crmProbability()).as("empty PROBABILITY").isNull();
        assertThat(deal.dimensions()).as("empty and null fields count under (none)").isEmpty();
    }

    @Test
    void aStageTheCatalogDoesNotKnowTakesTheDealsStageSemanticId() {
        Deal lost = mapper.deal(deal("""
                {"ID":"39","CATEGORY_ID":"7","STAGE_ID":"C7:LOSE","STAGE_SEMANTIC_ID":"F","OPPORTUNITY":"5",
                 "CURRENCY_ID":"USD","DATE_CREATE":"2024-01-01T00:00:00+00:00","MOVED_TIME":"2024-02-01T00:00:00+00:00"}
                """), context(null, List.of()), ENDPOINT, "result[0]");

        assertThat(lost.status()).isEqualTo(DealStatus.LOST);
        assertThat(lost.closedAt()).isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
        assertThat(lost.pipeline()).isEqualTo("7");
    }

    @Test
    void productLinesArePriceTimesQuantity() {
        List<Bitrix24Dtos.ProductRow> rows = JSON.readValue("""
                [{"ID":"5","OWNER_ID":"5","OWNER_TYPE":"D","PRODUCT_ID":450,"PRODUCT_NAME":"Product #2","PRICE":899.1,
                  "PRICE_ACCOUNT":"899.10","QUANTITY":1,"TAX_INCLUDED":"Y"},
                 {"ID":"4","OWNER_ID":"5","OWNER_TYPE":"D","PRODUCT_ID":449,"PRODUCT_NAME":"Product #1","PRICE":100,
                  "QUANTITY":3}]
                """, new TypeReference<>() {
        });

        Deal deal = mapper.deal(deal(WON_DEAL), context(null, rows), ENDPOINT, "result[0]");

        assertThat(deal.lines()).extracting(ProductLine::product).containsExactly("Product #2", "Product #1");
        assertThat(deal.lines()).extracting(ProductLine::amount).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("899.1"), new BigDecimal("300"));
    }

    @Test
    void aNumberThatIsNoNumberFailsNamingTheField() {
        assertThatThrownBy(() -> JSON.readValue("{\"result\":[{\"ID\":\"1\",\"OPPORTUNITY\":\"abc\"}]}",
                new TypeReference<Bitrix24Dtos.ListResult<Bitrix24Dtos.Deal>>() {
                })).hasMessageContaining("abc");
        assertThatThrownBy(() -> mapper.deal(deal("{\"ID\":\"1\",\"STAGE_ID\":\"NEW\"}"), context(null, List.of()), ENDPOINT,
                "result[3]")).isInstanceOf(CrmResponseException.class).hasMessageContaining("result[3].DATE_CREATE");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"null,OPEN", "'',OPEN", "P,OPEN", "S,WON", "F,LOST", "s,WON"})
    void stageSemanticsReadAsStatuses(String semantics, DealStatus status) {
        assertThat(Bitrix24Mapper.semantics(semantics, ENDPOINT, "x")).isEqualTo(status);
    }

    @Test
    void anUnknownSemanticsFailsNamingIt() {
        assertThatThrownBy(() -> Bitrix24Mapper.semantics("X", Bitrix24Client.STATUS_LIST, "result[2].SEMANTICS"))
                .isInstanceOf(CrmResponseException.class).hasMessageContaining("result[2].SEMANTICS").hasMessageContaining("\"X\"");
    }

    @Test
    void stagesOfAPipelineKeepTheirSortAndSemantics() {
        List<Bitrix24Dtos.Status> statuses = JSON.readValue("""
                [{"ID":"201","ENTITY_ID":"DEAL_STAGE_1","STATUS_ID":"C1:NEW","NAME":"New","SORT":"10","CATEGORY_ID":"1","SEMANTICS":null},
                 {"ID":"211","ENTITY_ID":"DEAL_STAGE_1","STATUS_ID":"C1:WON","NAME":"Won","SORT":"60","CATEGORY_ID":"1","SEMANTICS":"S"},
                 {"ID":"213","ENTITY_ID":"DEAL_STAGE_1","STATUS_ID":"C1:LOSE","NAME":"Lost","SORT":"70","CATEGORY_ID":"1","SEMANTICS":"F"}]
                """, new TypeReference<>() {
        });

        List<Stage> stages = mapper.stages("1", statuses, Bitrix24Client.STATUS_LIST, "result");

        assertThat(stages).extracting(Stage::id).containsExactly("C1:NEW", "C1:WON", "C1:LOSE");
        assertThat(stages).extracting(Stage::semantic).containsExactly(DealStatus.OPEN, DealStatus.WON, DealStatus.LOST);
        assertThat(stages).extracting(Stage::pipeline).containsOnly("1");
        assertThat(stages.get(1).sort()).isEqualByComparingTo("60");
        assertThat(Bitrix24Mapper.stageEntity("0")).isEqualTo("DEAL_STAGE");
        assertThat(Bitrix24Mapper.stageEntity("1")).isEqualTo("DEAL_STAGE_1");
    }

    @Test
    void theGeneralPipelineIsThereEvenWhenTheCategoryListLeavesItOut() {
        assertThat(mapper.pipelines(List.of(new Bitrix24Dtos.Category("9", "Funnel", BigDecimal.TEN, "2", "N"))))
                .extracting(p -> p.id()).containsExactly("9", "0");
    }

    @Test
    void usersAreRepsWithTheirActiveFlagAJsonBoolean() {
        List<Bitrix24Dtos.User> users = JSON.readValue("""
                [{"ID":"1","ACTIVE":true,"NAME":"Vadim","LAST_NAME":"Valeev","EMAIL":"v@example.com","UF_DEPARTMENT":[1]},
                 {"ID":"3","ACTIVE":false,"NAME":"","LAST_NAME":"","EMAIL":"","UF_DEPARTMENT":[]}]
                """, new TypeReference<>() {
        });

        List<Rep> reps = mapper.reps(users);

        assertThat(reps.get(0)).isEqualTo(new Rep("b24", "1", "Vadim Valeev", "v@example.com", true, "1"));
        assertThat(reps.get(1).active()).isFalse();
        assertThat(reps.get(1).name()).as("no name: the id").isEqualTo("3");
    }

    @Test
    void currencyRatesAreAmountPerAmountCntOfTheBaseCurrency() {
        List<Bitrix24Dtos.Currency> currencies = JSON.readValue("""
                [{"CURRENCY":"RUB","AMOUNT_CNT":"1","AMOUNT":"1.0000","BASE":"Y"},
                 {"CURRENCY":"EUR","AMOUNT_CNT":"1","AMOUNT":"78.3200","BASE":"N"},
                 {"CURRENCY":"KZT","AMOUNT_CNT":"100","AMOUNT":"18.0000","BASE":"N"}]
                """, new TypeReference<>() {
        });

        CrmCurrencies rates = Bitrix24Mapper.currencies(currencies);

        assertThat(rates.baseCurrency()).isEqualTo("RUB");
        assertThat(rates.rates().get("EUR")).isEqualByComparingTo("78.32");
        assertThat(rates.rates().get("KZT")).isEqualByComparingTo("0.18");
        assertThat(rates.rates().get("RUB")).isEqualByComparingTo("1");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"1,null,MEETING", "2,VOXIMPLANT_CALL,CALL", "3,TASKS_TASK,TASK", "4,CRM_EMAIL,EMAIL",
            "6,CRM_TODO,TASK", "6,REST_APP,OTHER", "5,null,OTHER", "0,null,OTHER"})
    void activityTypes(String typeId, String provider, ActivityType type) {
        assertThat(Bitrix24Mapper.activityType(typeId, provider)).isEqualTo(type);
    }

    @Test
    void aCompletedActivityIsDoneAtItsEndTimeAndBelongsToItsDealWhenOwnedByOne() {
        Bitrix24Dtos.Activity call = JSON.readValue("""
                {"ID":"20","OWNER_ID":"15","OWNER_TYPE_ID":"2","TYPE_ID":"2","PROVIDER_ID":"VOXIMPLANT_CALL",
                 "CREATED":"2020-09-27T13:26:55+03:00","LAST_UPDATED":"2021-03-21T20:28:24+03:00",
                 "START_TIME":"2020-09-27T13:25:00+03:00","END_TIME":"2020-09-27T19:25:00+03:00",
                 "DEADLINE":"2020-09-27T13:25:00+03:00","COMPLETED":"Y","RESPONSIBLE_ID":"505"}
                """, Bitrix24Dtos.Activity.class);
        Bitrix24Dtos.Activity todo = JSON.readValue("""
                {"ID":"21","OWNER_ID":"102","OWNER_TYPE_ID":"3","TYPE_ID":"6","PROVIDER_ID":"CRM_TODO",
                 "CREATED":"2020-09-27T13:26:55+00:00","DEADLINE":"","END_TIME":"","COMPLETED":"N","RESPONSIBLE_ID":"7"}
                """, Bitrix24Dtos.Activity.class);

        Activity done = mapper.activity(call, Bitrix24Client.ACTIVITY_LIST, "result[0]");
        Activity open = mapper.activity(todo, Bitrix24Client.ACTIVITY_LIST, "result[1]");

        assertThat(done).isEqualTo(new Activity("b24", "20", ActivityType.CALL, "505", "15",
                Instant.parse("2020-09-27T10:26:55Z"), Instant.parse("2020-09-27T10:25:00Z"), Instant.parse("2020-09-27T16:25:00Z"), false));
        assertThat(open.type()).isEqualTo(ActivityType.TASK);
        assertThat(open.deal()).as("owned by a contact (OWNER_TYPE_ID 3)").isNull();
        assertThat(open.dueAt()).isNull();
        assertThat(open.completedAt()).isNull();
    }

    @Test
    void stageHistoryEntriesAreTransitionsThoughTheirNumbersAreJsonNumbers() {
        Bitrix24Dtos.HistoryItem item = JSON.readValue("""
                {"ID":35,"TYPE_ID":1,"OWNER_ID":21,"CREATED_TIME":"2024-04-25T14:59:11+00:00","CATEGORY_ID":0,
                 "STAGE_SEMANTIC_ID":"P","STAGE_ID":"NEW"}
                """, Bitrix24Dtos.HistoryItem.class);

        StageTransition transition = mapper.transition(item, Bitrix24Client.STAGEHISTORY_LIST, "result.items[0]");

        assertThat(transition).isEqualTo(new StageTransition("b24", "35", "21", "NEW", Instant.parse("2024-04-25T14:59:11Z")));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"Y,true", "N,false", "true,true", "false,false", "'',false", "null,false"})
    void flags(String value, boolean expected) {
        assertThat(Bitrix24Mapper.flag(value, false)).isEqualTo(expected);
    }
}
