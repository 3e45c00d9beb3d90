package io.planpilot.app.config;

import io.planpilot.connector.csv.CsvConnectorFactory;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdapterConfigReaderTest {

    private final AdapterConfigReader reader = new AdapterConfigReader(Map.of("csv", new CsvConnectorFactory()));

    @Test
    void anEmptyConfigurationTakesTheContractDefaults() {
        AdapterConfig config = reader.read(environment(Map.of()));

        assertThat(config.baseCurrency()).isEqualTo("USD");
        assertThat(config.timeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(config.lookbackDays()).isEqualTo(180);
        assertThat(config.staleDays()).isEqualTo(14);
        assertThat(config.locale()).isEqualTo("ru");
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.dataDir().toString()).isEqualTo("./data");
        assertThat(config.connections()).isEmpty();
    }

    @Test
    void readsEveryKeyOfTheContract() {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("adapter.base-currency", "eur");
        yaml.put("adapter.currency-rates.USD", "0.92");
        yaml.put("adapter.currency-rates.rub", "0.011");
        yaml.put("adapter.time-zone", "Europe/Moscow");
        yaml.put("adapter.kpi.lookback-days", "90");
        yaml.put("adapter.rules.stale-days", "7");
        yaml.put("adapter.calendar.holidays[0]", "2026-01-01");
        yaml.put("adapter.calendar.holidays[1]", "2026-01-02");
        yaml.put("adapter.public-base-url", "https://planpilot.example.com");
        yaml.put("adapter.locale", "en");
        yaml.put("adapter.security.admin-token", "secret");
        yaml.put("adapter.ui.frame-ancestors[0]", "https://portal.bitrix24.ru");
        yaml.put("adapter.database.url", "jdbc:postgresql://db.local:5432/planpilot");
        yaml.put("adapter.database.username", "pp");
        yaml.put("adapter.database.password", "pw");
        yaml.put("adapter.connections.demo.type", "csv");
        yaml.put("adapter.connections.demo.path", "config/demo");
        yaml.put("adapter.connections.demo.sync-interval", "PT1M");
        yaml.put("adapter.connections.demo.rate-limit.requests", "2");
        yaml.put("adapter.connections.demo.rate-limit.per", "PT1S");
        yaml.put("adapter.connections.demo.dimensions.region", "office");

        AdapterConfig config = reader.read(environment(yaml));

        assertThat(config.baseCurrency()).isEqualTo("EUR");
        assertThat(config.currencyRates()).containsEntry("USD", new BigDecimal("0.92")).containsEntry("RUB", new BigDecimal("0.011"));
        assertThat(config.holidays()).containsExactly(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2));
        assertThat(config.frameAncestors()).containsExactly("https://portal.bitrix24.ru");
        assertThat(config.database().embedded()).isFalse();
        ConnectionConfig demo = config.connections().get("demo");
        assertThat(demo.syncInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(demo.rateLimit()).isEqualTo(new io.planpilot.core.connector.RateLimit(2, Duration.ofSeconds(1), null));
        assertThat(demo.dimensions()).containsEntry("region", "office");
        assertThat(demo.options()).containsEntry("path", "config/demo").doesNotContainKeys("type", "sync-interval");
    }

    @Test
    void everyProblemIsReportedOnceNamingItsKey() {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("adapter.base-currency", "dollars");
        yaml.put("adapter.time-zone", "Mars/Olympus");
        yaml.put("adapter.kpi.lookback-days", "-3");
        yaml.put("adapter.calendar.holidays[0]", "31.12.2026");
        yaml.put("adapter.public-base-url", "ftp://x");
        yaml.put("adapter.database.url", "postgres://nope");
        yaml.put("adapter.colour", "blue");
        yaml.put("adapter.connections.b24.type", "bitrix24");
        yaml.put("adapter.connections.crm.type", "salesforce");
        yaml.put("adapter.connections.files.type", "csv");
        yaml.put("adapter.connections.files.sync-interval", "5 minutes");
        yaml.put("adapter.connections.nopath.type", "csv");
        yaml.put("adapter.connections.notype.path", "x");

        assertThatThrownBy(() -> reader.read(environment(yaml)))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(keys(e.problems())).containsExactlyInAnyOrder(
                        "adapter.base-currency",
                        "adapter.time-zone",
                        "adapter.kpi.lookback-days",
                        "adapter.calendar.holidays",
                        "adapter.public-base-url",
                        "adapter.database.url",
                        "adapter.colour",
                        "adapter.connections.b24.type",
                        "adapter.connections.crm.type",
                        "adapter.connections.files.sync-interval",
                        "adapter.connections.files.path",
                        "adapter.connections.nopath.path",
                        "adapter.connections.notype.type"));
    }

    @Test
    void problemLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> reader.read(environment(Map.of(
                "adapter.connections.b24.type", "bitrix24",
                "adapter.time-zone", "Mars/Olympus"))))
                .hasMessageContaining("adapter.time-zone: must be a time zone id such as UTC or Europe/Moscow (got 'Mars/Olympus')")
                .hasMessageContaining("adapter.connections.b24.type: the bitrix24 connector is not part of this build");
    }

    @Test
    void unknownKeysAreFoundInTheEnvironmentToo() {
        StandardEnvironment environment = environment(Map.of());
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
                Map.of("ADAPTER_BASECURRENCY", "EUR", "ADAPTER_COLOUR", "blue")));

        assertThatThrownBy(() -> reader.read(environment))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(keys(e.problems())).containsExactly("adapter.colour"));
    }

    @Test
    void anEnvironmentVariableOverridesTheFile() {
        StandardEnvironment environment = environment(Map.of("adapter.base-currency", "USD"));
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
                Map.of("ADAPTER_BASECURRENCY", "EUR")));

        assertThat(reader.read(environment).baseCurrency()).isEqualTo("EUR");
    }

    @Test
    void commaSeparatedListsFromTheCommandLineAndEmptyYamlCollectionsAreRead() {
        AdapterConfig config = reader.read(environment(Map.of(
                "adapter.calendar.holidays", "2026-05-01, 2026-05-09",
                "adapter.currency-rates", "",
                "adapter.ui.frame-ancestors", "")));

        assertThat(config.holidays()).containsExactly(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 9));
        assertThat(config.currencyRates()).isEmpty();
        assertThat(config.frameAncestors()).isEmpty();
    }

    @Test
    void aZeroSyncIntervalMeansOnlyOnDemand() {
        AdapterConfig config = reader.read(environment(Map.of(
                "adapter.connections.a.type", "csv", "adapter.connections.a.path", "x", "adapter.connections.a.sync-interval", "0",
                "adapter.connections.b.type", "csv", "adapter.connections.b.path", "x", "adapter.connections.b.sync-interval", "PT0S")));

        assertThat(config.connections().get("a").scheduled()).isFalse();
        assertThat(config.connections().get("b").scheduled()).isFalse();
    }

    private static List<String> keys(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::key).toList();
    }

    @Test
    void connectionOptionsGivenAsEnvironmentVariablesAreTakenUnderTheConnectorsOwnNames() {
        AdapterConfigReader all = new AdapterConfigReader(ConnectorCatalog.installed());
        StandardEnvironment environment = environment(Map.of());
        environment.getPropertySources().addLast(new org.springframework.core.env.SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "ADAPTER_CONNECTIONS_B24_TYPE", "bitrix24",
                "ADAPTER_CONNECTIONS_B24_BASEURL", "https://acme.bitrix24.ru/rest/1/abcdefghijkl/",
                "ADAPTER_CONNECTIONS_B24_APPLICATIONTOKEN", "app-token",
                "ADAPTER_CONNECTIONS_B24_RETRY_MAXATTEMPTS", "4")));

        AdapterConfig config = all.read(environment);

        assertThat(config.connections().get("b24").options())
                .containsEntry("base-url", "https://acme.bitrix24.ru/rest/1/abcdefghijkl/")
                .containsEntry("application-token", "app-token")
                .containsEntry("retry.max-attempts", "4");
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().forEach(source -> environment.getPropertySources().remove(source.getName()));
        environment.getPropertySources().addLast(new MapPropertySource("test", properties));
        return environment;
    }
}
