package io.planpilot.tck.example;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.HttpConnectorContractTest;

import java.time.ZoneId;
import java.util.Map;

/** The HTTP contract kit, run against the example connector and its fake CRM. */
class ExampleConnectorContractTest extends HttpConnectorContractTest {

    private final ExampleFakeCrm fake = new ExampleFakeCrm();

    @Override
    protected ConnectorFactory factory() {
        return new ExampleConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings(String baseUrl) {
        return new ConnectionSettings("example-1", ExampleConnectorFactory.TYPE, ZoneId.of("Europe/Moscow"), "USD",
                Map.of("region", "region"),
                Map.of("base-url", baseUrl, "token", ExampleFakeCrm.TOKEN, "webhook-secret", ExampleFakeCrm.WEBHOOK_SECRET));
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
