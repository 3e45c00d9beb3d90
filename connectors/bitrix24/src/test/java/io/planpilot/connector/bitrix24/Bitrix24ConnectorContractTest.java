package io.planpilot.connector.bitrix24;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.HttpConnectorContractTest;

import java.time.ZoneId;
import java.util.Map;

/**
 * The HTTP contract kit against a Bitrix24 portal on WireMock. The connection reconciles ids on every
 * read ({@code reconcile-every: 0}) so that the kit's deletion test, which deletes a deal between two
 * reads seconds apart, sees the reconciliation at work (the default is hourly); and it may make 20
 * requests a second (the fake has no leaky bucket; the portal's default of 2 a second would only make
 * the kit slow; the kit's limiter test sets its own limit).
 */
class Bitrix24ConnectorContractTest extends HttpConnectorContractTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Moscow");

    private final Bitrix24FakeCrm fake = new Bitrix24FakeCrm();

    @Override
    protected ConnectorFactory factory() {
        return new Bitrix24ConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings(String baseUrl) {
        return new ConnectionSettings("b24", Bitrix24ConnectorFactory.TYPE, ZONE, "RUB", Map.of("region", "UF_CRM_REGION"),
                Map.of("base-url", baseUrl + "/rest/" + Bitrix24Portal.USER + "/" + Bitrix24Portal.SECRET + "/",
                        "application-token", Bitrix24Portal.APPLICATION_TOKEN,
                        "reconcile-every", "0",
                        "rate-limit.requests", "20",
                        "rate-limit.per", "PT1S"));
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
