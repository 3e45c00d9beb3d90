package io.planpilot.connector.amocrm;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.HttpConnectorContractTest;
import org.junit.jupiter.api.BeforeAll;

import java.time.ZoneId;
import java.util.Map;

/**
 * The HTTP contract kit against an amoCRM account on WireMock. The connection lists lead ids on every read
 * ({@code reconcile-every: 0}) so that the kit's deletion test, which deletes a lead between two reads
 * seconds apart, sees the reconciliation at work (the default is hourly); and it may make 30 requests a
 * second (the fake has no limit; amoCRM's 6 a second would only make the kit slow; the kit's limiter test
 * sets its own limit).
 */
class AmoCrmConnectorContractTest extends HttpConnectorContractTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Moscow");

    private final AmoCrmFakeCrm fake = new AmoCrmFakeCrm();

    @Override
    protected ConnectorFactory factory() {
        return new AmoCrmConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings(String baseUrl) {
        return new ConnectionSettings("amo", AmoCrmConnectorFactory.TYPE, ZONE, "RUB",
                Map.of("region", String.valueOf(AmoCrmAccount.REGION_FIELD)),
                Map.of("base-url", baseUrl,
                        "access-token", AmoCrmAccount.TOKEN,
                        "webhook-secret", AmoCrmAccount.WEBHOOK_SECRET,
                        "reconcile-every", "0",
                        "rate-limit.requests", "30",
                        "rate-limit.per", "PT1S"));
    }

    /**
     * Loads the classes of a read once before the kit runs: in a fresh JVM the first request reaches
     * WireMock a hundred milliseconds or more after the limiter let it go, and the kit's limiter test,
     * which reads WireMock's arrival times, would take that class loading for two requests too close.
     */
    @BeforeAll
    void loadTheHttpClient() {
        crm().reset();
        crm().seedDeals(3);
        read(connector(), io.planpilot.core.connector.SyncMode.FULL, null);
    }

    @Override
    protected WireMockConfiguration wireMock(WireMockConfiguration options) {
        return options.extensions(fake.extension());
    }

    @Override
    protected FakeCrm fakeCrm(WireMockServer server) {
        return fake.attach(server);
    }
}
