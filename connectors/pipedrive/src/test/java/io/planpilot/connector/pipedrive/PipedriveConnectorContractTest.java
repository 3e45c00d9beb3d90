package io.planpilot.connector.pipedrive;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.HttpConnectorContractTest;

import java.time.ZoneId;
import java.util.Map;

/**
 * The HTTP contract kit against a Pipedrive company on WireMock. The dimensions name their fields the
 * way an admin would, by the names Pipedrive shows ({@code Region}, {@code Segment}), which the
 * connector maps to the fields' hashed keys. The connection may make 40 requests a second (the fake
 * enforces no burst window here; the kit's limiter test sets its own limit) and reads at most 5 flows a
 * read, so that the kit's reads of 1,500 deals stay quick.
 */
class PipedriveConnectorContractTest extends HttpConnectorContractTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    private final PipedriveFakeCrm fake = new PipedriveFakeCrm();

    @Override
    protected ConnectorFactory factory() {
        return new PipedriveConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings(String baseUrl) {
        return new ConnectionSettings("pd", PipedriveConnectorFactory.TYPE, ZONE, "EUR",
                Map.of("region", "Region", "segment", "Segment"),
                Map.of("base-url", baseUrl,
                        "api-token", PipedriveCompany.TOKEN,
                        "webhook-username", PipedriveFakeCrm.WEBHOOK_USER,
                        "webhook-password", PipedriveFakeCrm.WEBHOOK_PASSWORD,
                        "flow-calls-per-read", "5",
                        "rate-limit.requests", "40",
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
