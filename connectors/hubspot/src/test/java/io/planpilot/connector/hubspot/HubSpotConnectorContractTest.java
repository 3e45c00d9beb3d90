package io.planpilot.connector.hubspot;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.HttpConnectorContractTest;

import java.time.ZoneId;
import java.util.Map;

/**
 * The HTTP contract kit against HubSpot on WireMock. The connection may make 50 requests a second and
 * 50 searches (the fake has no limits of its own; HubSpot's defaults would only make the kit slow; the
 * kit's limiter test sets its own limit).
 */
class HubSpotConnectorContractTest extends HttpConnectorContractTest {

    static final ZoneId ZONE = ZoneId.of("America/New_York");

    final HubSpotFakeCrm fake = new HubSpotFakeCrm(paths());

    /** The API version the connection calls and the fake serves. */
    HubSpotApiPaths paths() {
        return HubSpotApiPaths.of(HubSpotApiPaths.V3).orElseThrow();
    }

    @Override
    protected ConnectorFactory factory() {
        return new HubSpotConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings(String baseUrl) {
        return new ConnectionSettings("hs", HubSpotConnectorFactory.TYPE, ZONE, "USD", Map.of("region", "region"),
                Map.of("base-url", baseUrl,
                        "access-token", HubSpotPortal.TOKEN,
                        "client-secret", HubSpotPortal.CLIENT_SECRET,
                        "rate-limit.requests", "50",
                        "rate-limit.per", "PT1S",
                        "search-rate-limit.requests", "50",
                        "search-rate-limit.per", "PT1S",
                        "api-version", paths().version()));
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
