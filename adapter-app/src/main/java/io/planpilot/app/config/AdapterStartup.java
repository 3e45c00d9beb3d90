package io.planpilot.app.config;

import io.planpilot.app.database.EmbeddedDatabase;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs as soon as the configuration sources are loaded, before any bean exists: checks
 * {@code adapter.*} (a bad configuration stops the start with every problem named), then starts the
 * embedded PostgreSQL in the background when no external database is configured, and points
 * Spring's R2DBC and Flyway settings at the chosen database.
 */
public class AdapterStartup implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final String DATABASE_SOURCE = "planpilotDatabase";

    @Override
    public int getOrder() {
        // after the config files are loaded and logging is set up (HIGHEST_PRECEDENCE + 10 and + 20)
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        AdapterConfig config = new AdapterConfigReader(ConnectorCatalog.installed()).read(environment);
        // `--check` (AdapterCheck) reads the configuration and reaches an external database itself,
        // and starts nothing
        boolean checkOnly = environment.getProperty(AdapterCheck.CHECK_ONLY, Boolean.class, false);
        EmbeddedDatabase embedded = config.database().embedded() && !checkOnly
                ? EmbeddedDatabase.startInBackground(config.dataDir()) : null;
        if (!checkOnly) {
            environment.getPropertySources().addFirst(new MapPropertySource(DATABASE_SOURCE, databaseProperties(config, embedded)));
        }

        ConfigurableBootstrapContext bootstrap = event.getBootstrapContext();
        bootstrap.registerIfAbsent(AdapterConfig.class, InstanceSupplier.of(config));
        bootstrap.addCloseListener(closed -> {
            ConfigurableApplicationContext context = closed.getApplicationContext();
            context.getBeanFactory().registerSingleton("adapterConfig", config);
            if (embedded != null) {
                context.getBeanFactory().registerSingleton("embeddedDatabase", embedded);
                // closed with the context's beans, after the workers and dispatchers stopped (they finish
                // the batch in hand), so a restart in the same JVM finds the data directory free
                ((org.springframework.beans.factory.support.DefaultSingletonBeanRegistry) context.getBeanFactory())
                        .registerDisposableBean("embeddedDatabase", embedded::close);
            }
        });
    }

    private static Map<String, Object> databaseProperties(AdapterConfig config, EmbeddedDatabase embedded) {
        Map<String, Object> properties = new HashMap<>();
        String jdbcUrl;
        String username;
        String password;
        if (embedded != null) {
            jdbcUrl = embedded.jdbcUrl();
            username = embedded.username();
            password = "";
        } else {
            jdbcUrl = config.database().url();
            username = config.database().username();
            password = config.database().password();
        }
        properties.put("spring.r2dbc.url", "r2dbc:" + jdbcUrl.substring("jdbc:".length()));
        properties.put("spring.r2dbc.username", username);
        properties.put("spring.r2dbc.password", password);
        properties.put("spring.flyway.url", jdbcUrl);
        properties.put("spring.flyway.user", username);
        properties.put("spring.flyway.password", password);
        return properties;
    }
}
