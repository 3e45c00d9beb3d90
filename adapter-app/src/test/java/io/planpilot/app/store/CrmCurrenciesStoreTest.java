package io.planpilot.app.store;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.kpi.CrmCurrencies;
import io.planpilot.core.kpi.CrmData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A CRM's own currency rates, told by its connector, reach the KPI engine's data, and a change is a change. */
class CrmCurrenciesStoreTest extends AdapterIntegrationTest {

    @Autowired
    CrmRecordStore records;

    @Autowired
    CrmDataLoader loader;

    @Test
    void theRatesACrmTellsAreKeptAndLoadedWithItsData() {
        CrmCurrencies rates = new CrmCurrencies("USD", Map.of("EUR", new BigDecimal("1.0825"), "rub", new BigDecimal("0.0111")));

        StoredPage first = records.save("hooked", SyncPage.builder().currencies(rates).build()).block();
        StoredPage again = records.save("hooked", SyncPage.builder().currencies(rates).build()).block();

        assertThat(first.catalogChanged()).as("new rates convert amounts anew").isTrue();
        assertThat(again.catalogChanged()).as("the same rates change nothing").isFalse();
        CrmData data = loader.load(List.of("hooked"));
        assertThat(data.currencies()).containsKey("hooked");
        assertThat(data.currencies().get("hooked").baseCurrency()).isEqualTo("USD");
        assertThat(data.currencies().get("hooked").rates()).containsEntry("EUR", new BigDecimal("1.0825"))
                .containsEntry("RUB", new BigDecimal("0.0111"));
    }
}
