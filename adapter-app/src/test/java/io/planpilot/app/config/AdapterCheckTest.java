package io.planpilot.app.config;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --check}: a bad key, an unreachable database, a refused CRM token and a missing CRM scope,
 * each one line naming the key or connection, exit status 1; secrets never printed.
 */
class AdapterCheckTest {

    private static final String SECRET = "k3y9secretpath";
    private final WireMockServer portal = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        portal.start();
    }

    @AfterEach
    void stop() {
        portal.stop();
    }

    @Test
    void aBadKeyIsNamedAndNothingElseIsTried() {
        Result result = check("--adapter.colour=blue", "--adapter.time-zone=Mars/Olympus");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.lines).containsExactlyInAnyOrder("adapter.colour: unknown key",
                "adapter.time-zone: must be a time zone id such as UTC or Europe/Moscow (got 'Mars/Olympus')");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        Result result = check("--adapter.database.url=jdbc:postgresql://127.0.0.1:9/planpilot",
                "--adapter.database.username=pp", "--adapter.database.password=pw-" + SECRET);

        assertThat(result.status).isEqualTo(1);
        assertThat(result.lines).anySatisfy(line -> assertThat(line)
                .startsWith("adapter.database.url: cannot reach the database at jdbc:postgresql://127.0.0.1:9/planpilot"));
        assertThat(result.text()).doesNotContain(SECRET);
    }

    @Test
    void aRefusedTokenAndAMissingScopeAreNamedByConnectionAndTheWebhookSecretIsMasked() {
        portal.stubFor(post(urlPathEqualTo("/rest/1/" + SECRET + "/scope.json")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"INVALID_CREDENTIALS\",\"error_description\":\"Invalid request credentials\"}")));
        portal.stubFor(post(urlPathEqualTo("/rest/2/" + SECRET + "/scope.json"))
                .willReturn(okJson("{\"result\":[\"crm\",\"user\",\"im\"],\"time\":{}}")));

        Result result = check(
                "--adapter.connections.wrong.type=bitrix24",
                "--adapter.connections.wrong.base-url=" + portal.baseUrl() + "/rest/1/" + SECRET + "/",
                "--adapter.connections.wrong.application-token=app-" + SECRET,
                "--adapter.connections.scoped.type=bitrix24",
                "--adapter.connections.scoped.base-url=" + portal.baseUrl() + "/rest/2/" + SECRET + "/",
                "--adapter.connections.scoped.application-token=app-" + SECRET,
                "--adapter.connections.files.type=csv",
                "--adapter.connections.files.path=../config/demo");

        assertThat(result.status).isEqualTo(1);
        assertThat(result.lines).anySatisfy(line -> assertThat(line).startsWith("adapter.connections.wrong: BAD_CREDENTIALS: "));
        assertThat(result.lines).anySatisfy(line -> assertThat(line)
                .startsWith("adapter.connections.scoped: MISSING_SCOPE: the incoming webhook lacks the task scope"));
        assertThat(result.lines).contains("adapter.connections.files: ok (csv)", "check: 2 problems");
        assertThat(result.lines).anySatisfy(line -> assertThat(line).startsWith("adapter.database: embedded PostgreSQL under "));
        assertThat(result.text()).doesNotContain(SECRET);
    }

    @Test
    void aGoodConfigurationExitsZero() {
        Result result = check("--adapter.connections.files.type=csv", "--adapter.connections.files.path=../config/demo");

        assertThat(result.status).isZero();
        assertThat(result.lines).contains("adapter.connections.files: ok (csv)", "check: no problems");
    }

    private Result check(String... args) {
        List<String> all = new ArrayList<>(List.of("--check", "--adapter.data-dir=" + dir.resolve("data"),
                "--adapter.plan-file=" + dir.resolve("none.csv"), "--adapter.rules-file=" + dir.resolve("none.yml")));
        all.addAll(List.of(args));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = AdapterCheck.run(all.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(status, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private record Result(int status, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }
}
