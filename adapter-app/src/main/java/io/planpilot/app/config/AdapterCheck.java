package io.planpilot.app.config;

import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code java -jar planpilot.jar --check}: reads the configuration exactly as a start would (every
 * problem named by its key), reaches the database, and runs every connection's {@code check()}; one
 * line per finding, {@code <what>: <finding>}, and exit status 1 when anything is wrong. Starts no
 * server, no embedded database and no sync. Secrets never appear: every connection option whose name
 * says token, secret or password, the database password, and the secret path segment of a Bitrix24
 * webhook URL are masked wherever a finding would repeat them.
 */
public final class AdapterCheck {

    /** Set while checking: {@link AdapterStartup} then starts no embedded database. */
    public static final String CHECK_ONLY = "planpilot.check-only";
    public static final String FLAG = "--check";

    private static final Pattern SECRET_KEY = Pattern.compile(".*(token|secret|password).*");
    private static final Pattern BITRIX24_SECRET = Pattern.compile("(/rest/\\d+/)([^/]+)(/?)");

    private final PrintStream out;
    private final List<String> secrets = new ArrayList<>();

    AdapterCheck(PrintStream out) {
        this.out = out;
    }

    /** Whether the arguments ask for a check rather than a start. */
    public static boolean requested(String[] args) {
        return Arrays.asList(args).contains(FLAG);
    }

    /** Runs the check; returns the exit status (0 when nothing is wrong). */
    public static int run(String[] args, PrintStream out) {
        return new AdapterCheck(out).check(Arrays.stream(args).filter(arg -> !arg.equals(FLAG)).toArray(String[]::new));
    }

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }

    int check(String[] args) {
        SpringApplication application = new SpringApplication(Nothing.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        // the problems are printed here, one line each: not again as Spring's failure report
        application.setDefaultProperties(Map.of(CHECK_ONLY, "true", "logging.level.root", "WARN",
                "logging.level.io.planpilot", "WARN", "logging.level.org.springframework.boot.diagnostics", "OFF"));
        AdapterConfig config;
        try (ConfigurableApplicationContext context = application.run(args)) {
            config = context.getBean(AdapterConfig.class);
        } catch (InvalidConfigurationException e) {
            e.problems().forEach(problem -> out.println(problem));
            return 1;
        }
        remember(config);
        int problems = 0;
        problems += checkDatabase(config);
        problems += checkConnections(config);
        out.println(problems == 0 ? "check: no problems" : "check: " + problems + (problems == 1 ? " problem" : " problems"));
        return problems == 0 ? 0 : 1;
    }

    private int checkDatabase(AdapterConfig config) {
        if (config.database().embedded()) {
            Path pgData = config.dataDir().resolve("postgres").toAbsolutePath();
            Path existing = pgData;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isWritable(existing)) {
                say("adapter.data-dir", "the embedded database cannot be created under " + pgData + ": "
                        + (existing == null ? "no such directory" : existing + " is not writable"));
                return 1;
            }
            say("adapter.database", "embedded PostgreSQL under " + pgData + (Files.exists(pgData) ? "" : " (created on first start)"));
            return 0;
        }
        Properties credentials = new Properties();
        credentials.setProperty("user", config.database().username());
        credentials.setProperty("password", config.database().password());
        credentials.setProperty("connectTimeout", "5");
        credentials.setProperty("socketTimeout", "10");
        try (Connection db = DriverManager.getConnection(config.database().url(), credentials);
             ResultSet version = db.createStatement().executeQuery("show server_version")) {
            version.next();
            say("adapter.database.url", "reached PostgreSQL " + version.getString(1) + " at " + config.database().url());
            return 0;
        } catch (SQLException e) {
            say("adapter.database.url", "cannot reach the database at " + config.database().url() + ": " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")"));
            return 1;
        }
    }

    private int checkConnections(AdapterConfig config) {
        Map<String, ConnectorFactory> factories = ConnectorCatalog.installed();
        int problems = 0;
        for (ConnectionConfig connection : config.connections().values()) {
            String key = "adapter.connections." + connection.id();
            ConnectionCheck result;
            try {
                Connector connector = factories.get(connection.type())
                        .create(connection.settings(config.timeZone(), config.baseCurrency()));
                result = connector.check();
            } catch (RuntimeException e) {
                result = new ConnectionCheck(List.of(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE,
                        "the check itself failed: " + e)));
            }
            if (result.isOk()) {
                say(key, "ok (" + connection.type() + ")");
            }
            for (ConnectionCheck.Problem problem : result.problems()) {
                say(key, problem.kind() + ": " + problem.message());
                problems++;
            }
        }
        return problems;
    }

    private void remember(AdapterConfig config) {
        if (!config.database().password().isEmpty()) {
            secrets.add(config.database().password());
        }
        for (String token : List.of(config.adminToken(), config.previousAdminToken(), config.encryptionKey())) {
            if (!token.isEmpty()) {
                secrets.add(token);
            }
        }
        for (ConnectionConfig connection : config.connections().values()) {
            connection.options().forEach((name, value) -> {
                if (value != null && value.length() >= 4 && SECRET_KEY.matcher(name).matches()) {
                    secrets.add(value);
                }
                if (value != null && name.equals("base-url")) {
                    var matcher = BITRIX24_SECRET.matcher(value);
                    if (matcher.find() && matcher.group(2).length() >= 4) {
                        secrets.add(matcher.group(2));
                    }
                }
            });
        }
    }

    private void say(String what, String finding) {
        out.println(what + ": " + masked(finding));
    }

    String masked(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "****");
        }
        return result;
    }
}
