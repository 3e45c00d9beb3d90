package io.planpilot.app.webhook;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.ArrayList;
import java.util.List;

/** A test-only connector type, {@code hooked}: webhooks with a shared-secret header, re-reads from {@link HookedCrm}. */
public final class HookedConnectorFactory implements ConnectorFactory {

    static final String TYPE = "hooked";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>();
        String token = settings.option("token");
        if (token == null || token.isBlank()) {
            problems.add(new SettingProblem("token", "is required: the shared secret the CRM sends in X-Hook-Token"));
        }
        settings.options().keySet().stream().filter(key -> !key.equals("token"))
                .forEach(key -> problems.add(new SettingProblem(key, "unknown key")));
        return problems;
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new HookedConnector(settings.id(), settings.option("token"));
    }
}
