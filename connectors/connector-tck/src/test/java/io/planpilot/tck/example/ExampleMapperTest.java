package io.planpilot.tck.example;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.connector.support.JacksonCodec;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleMapperTest {

    private final ExampleMapper mapper = new ExampleMapper("c1", Map.of("region", "region"));

    private static ExampleDtos.DealPage page(String json) {
        return JacksonCodec.defaultMapper().readValue(json, ExampleDtos.DealPage.class);
    }

    @Test
    void timesInSeveralZonesAndDecimalStringsMapToInstantsAndAmounts() {
        ExampleDtos.DealPage page = page("""
                {"items":[
                 {"id":"1","title":"A","pipelineId":"p1","stageId":"s-won","status":"won","value":"1200.50","currency":"eur",
                  "ownerId":"u1","createdAt":"2026-11-01T10:00:00+03:00","closedAt":"2026-11-05T23:30:00-05:00",
                  "modifiedAt":"2026-11-06T04:30:00Z","fields":{"region":"North"}},
                 {"id":"2","title":"B","pipelineId":"p1","stageId":"s1","status":"open","value":null,"currency":"USD",
                  "ownerId":null,"createdAt":"2026-11-01T07:00:00.250Z","closedAt":null,"modifiedAt":"2026-11-02T00:00:00+00:00"}],
                 "next":null}""");

        List<Deal> deals = mapper.deals(ExampleClient.DEALS, page.items());

        assertThat(deals.get(0).createdAt()).isEqualTo(Instant.parse("2026-11-01T07:00:00Z"));
        assertThat(deals.get(0).closedAt()).isEqualTo(Instant.parse("2026-11-06T04:30:00Z"));
        assertThat(deals.get(0).amount()).isEqualByComparingTo("1200.50");
        assertThat(deals.get(0).currency()).isEqualTo("EUR");
        assertThat(deals.get(0).status()).isEqualTo(DealStatus.WON);
        assertThat(deals.get(0).dimensions()).containsEntry("region", "North");
        assertThat(deals.get(1).createdAt()).isEqualTo(Instant.parse("2026-11-01T07:00:00.250Z"));
        assertThat(deals.get(1).amount()).isNull();
        assertThat(deals.get(1).dimensions()).isEmpty();
    }

    @Test
    void anUnknownStatusNamesItsField() {
        ExampleDtos.DealPage page = page("""
                {"items":[{"id":"1","pipelineId":"p1","stageId":"s1","status":"pending","currency":"USD",
                  "createdAt":"2026-11-01T10:00:00Z","modifiedAt":"2026-11-01T10:00:00Z"}]}""");

        assertThatThrownBy(() -> mapper.deals(ExampleClient.DEALS, page.items()))
                .isInstanceOf(CrmResponseException.class)
                .hasMessage("example GET /api/deals: field items[0].status: expected open, won or lost, got \"pending\"");
    }
}
