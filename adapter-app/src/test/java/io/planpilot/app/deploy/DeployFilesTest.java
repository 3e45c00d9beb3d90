package io.planpilot.app.deploy;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.AdapterConfigReader;
import io.planpilot.app.config.ConnectorCatalog;
import io.planpilot.app.config.InvalidConfigurationException;
import io.planpilot.app.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The install files an admin copies (Dockerfile, deploy/docker-compose.yml, deploy/planpilot.service
 * and their configuration) go through the adapter's own start-up check, so that a renamed key, a
 * wrong path or a broken example fails the build instead of the admin's first start.
 */
class DeployFilesTest {

    private static final Path ROOT = repositoryRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final String CONFIG_LOCATION = "SPRING_CONFIG_ADDITIONALLOCATION";
    /** A commented example line: '#' directly followed by a key, or by two spaces and more (its indent). */
    private static final Pattern COMMENTED_EXAMPLE = Pattern.compile("(?m)^(\\s*)#(?!\\s?$)(?! \\S)");

    @Test
    void composeFilePassesTheAdaptersConfigurationCheck() throws IOException {
        ComposeFile compose = ComposeFile.read(DEPLOY.resolve("docker-compose.yml"));
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));

        AdapterConfig config = check("deploy/docker-compose.yml", composeSources(compose, dockerfile, compose.environment("planpilot")));

        assertThat(config.database().embedded()).as("compose runs its own PostgreSQL").isFalse();
        assertThat(config.database().url()).isEqualTo("jdbc:postgresql://postgres:5432/planpilot");
        assertThat(compose.service("postgres").get("environment")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("POSTGRES_DB", "planpilot").containsEntry("POSTGRES_USER", config.database().username());
        assertThat(config.database().password()).as("the password comes from the compose secret").isEqualTo(secretValue("adapter.database.password"));
        String dataDir = config.dataDir().toString();
        assertThat(Dockerfile.words(dockerfile.last("VOLUME"))).as("the data directory is the image's volume").containsExactly(dataDir);
        assertThat(compose.mounts("planpilot")).as("compose keeps the data directory in a named volume")
                .anySatisfy(mount -> {
                    assertThat(mount.target()).isEqualTo(dataDir);
                    assertThat(mount.bind()).isFalse();
                    assertThat(compose.topLevel("volumes")).containsKey(mount.source());
                });
        assertThat(config.planFile().startsWith(config.dataDir())).as("PUT /api/v1/plan rewrites the plan file: it lives in the volume").isTrue();
    }

    @Test
    void aMisspelledVariableInTheComposeFileIsCaught() throws IOException {
        ComposeFile compose = ComposeFile.read(DEPLOY.resolve("docker-compose.yml"));
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));
        Map<String, String> environment = new LinkedHashMap<>(compose.environment("planpilot"));
        environment.put("ADAPTER_SECURITY_ADMINTOKN", "x");

        assertThatThrownBy(() -> check("a misspelt compose file", composeSources(compose, dockerfile, environment)))
                .hasMessageContaining("adapter.security.admintokn: unknown key");
    }

    @Test
    void systemdInstallPassesTheAdaptersConfigurationCheck() throws IOException {
        SystemdUnit unit = SystemdUnit.read(DEPLOY.resolve("planpilot.service"));
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));

        AdapterConfig config = check("deploy/planpilot.service", systemdSources(unit, dockerfile, false));

        assertThat(config.database().embedded()).as("planpilot.env.example points at an external PostgreSQL").isFalse();
        List<String> writable = new ArrayList<>(unit.serviceAll("ReadWritePaths"));
        assertThat(writable).as("the unit lets the adapter write its data directory").contains(config.dataDir().toString());
        assertThat(unit.service("StateDirectory")).as("systemd creates the data directory for the service's user")
                .isEqualTo(Path.of("/var/lib").relativize(config.dataDir()).toString());
        assertThat(config.planFile().startsWith(config.dataDir())).as("the plan file is writable under ProtectSystem=strict").isTrue();
    }

    @Test
    void theCommentedExamplesAreValidOnceSwitchedOn() throws IOException {
        SystemdUnit unit = SystemdUnit.read(DEPLOY.resolve("planpilot.service"));
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));

        AdapterConfig config = check("deploy/application.yml and planpilot.env.example with their examples on",
                systemdSources(unit, dockerfile, true));

        assertThat(config.connections()).containsKeys("b24", "exports");
        assertThat(config.connections().get("b24").type()).isEqualTo("bitrix24");
        assertThat(config.publicBaseUrl()).isNotEmpty();
        assertThat(config.frameAncestors()).isNotEmpty();
    }

    @Test
    void theDockerfileRunsTheJarAsANonRootUserAndChecksItsHealth() throws IOException {
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));

        assertThat(dockerfile.last("FROM")).isEqualTo("eclipse-temurin:17-jre");
        String user = dockerfile.last("USER");
        assertThat(user.split(":")[0]).as("USER").isNotIn("root", "0").isEqualTo("10001");
        assertThat(dockerfile.all("RUN")).as("the uid has a passwd entry: the embedded PostgreSQL's initdb needs one")
                .anySatisfy(run -> assertThat(run).contains("useradd").contains("--uid 10001"));
        assertThat(dockerfile.last("HEALTHCHECK")).contains("CMD").contains("/actuator/health");
        assertThat(dockerfile.last("EXPOSE")).isEqualTo("8080");
        assertThat(dockerfile.last("STOPSIGNAL")).isEqualTo("SIGTERM");
        assertThat(Dockerfile.words(dockerfile.last("ENTRYPOINT"))).startsWith("java").endsWith("-jar", workingDirectory(dockerfile) + "/planpilot.jar");
        assertThat(dockerfile.all("COPY")).contains("adapter-app/target/planpilot.jar " + workingDirectory(dockerfile) + "/planpilot.jar");
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("!adapter-app/target/planpilot.jar");
    }

    @Test
    void composeStartsTheAdapterOnceItsDatabaseIsHealthyAndProbesItsHealth() throws IOException {
        ComposeFile compose = ComposeFile.read(DEPLOY.resolve("docker-compose.yml"));
        Map<String, Object> postgres = compose.service("postgres");
        Map<String, Object> planpilot = compose.service("planpilot");

        assertThat(String.valueOf(postgres.get("image"))).startsWith("postgres:17");
        assertThat(String.valueOf(((Map<?, ?>) postgres.get("healthcheck")).get("test"))).contains("pg_isready");
        assertThat(((Map<?, ?>) planpilot.get("depends_on")).get("postgres")).isEqualTo(Map.of("condition", "service_healthy"));
        assertThat(String.valueOf(((Map<?, ?>) planpilot.get("healthcheck")).get("test"))).contains("/actuator/health");
        assertThat(((Map<?, ?>) planpilot.get("build")).get("context")).isEqualTo("..");
        assertThat(planpilot.get("restart")).isEqualTo("unless-stopped");
        assertThat(compose.topLevel("secrets")).allSatisfy((name, secret) -> assertThat(((Map<?, ?>) secret).get("file"))
                .as("secret %s is a file under deploy/secrets, which git ignores", name).asString().startsWith("./secrets/"));
    }

    @Test
    void theSystemdUnitRunsTheJarAsADedicatedUserOnAReadOnlySystem() throws IOException {
        SystemdUnit unit = SystemdUnit.read(DEPLOY.resolve("planpilot.service"));

        assertThat(unit.service("User")).as("User=").isNotBlank().isNotIn("root", "0");
        assertThat(unit.service("DynamicUser")).as("a dedicated user, not a dynamic one").isNull();
        assertThat(unit.service("ExecStart")).startsWith("/usr/bin/java ").endsWith(" -jar /opt/planpilot/planpilot.jar");
        assertThat(unit.service("WorkingDirectory")).isEqualTo("/opt/planpilot");
        assertThat(unit.serviceAll("EnvironmentFile")).containsExactly("-/etc/planpilot/planpilot.env");
        assertThat(unit.service("Restart")).isEqualTo("on-failure");
        assertThat(unit.service("NoNewPrivileges")).isEqualTo("true");
        assertThat(unit.service("ProtectSystem")).isEqualTo("strict");
        assertThat(unit.service("PrivateTmp")).as("the embedded PostgreSQL unpacks into /tmp: a private one").isEqualTo("true");
        assertThat(unit.service("CapabilityBoundingSet")).isEmpty();
    }

    @Test
    void theJibImageIsTheDockerfilesImage() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));
        Element jib = jibConfiguration();

        assertThat(text(jib, "from/image")).isEqualTo(dockerfile.last("FROM"));
        assertThat(text(jib, "container/user")).isEqualTo(dockerfile.last("USER"));
        assertThat(text(jib, "container/workingDirectory")).isEqualTo(workingDirectory(dockerfile));
        assertThat(texts(jib, "container/volumes/volume")).isEqualTo(Dockerfile.words(dockerfile.last("VOLUME")));
        assertThat(texts(jib, "container/ports/port")).containsExactly(dockerfile.last("EXPOSE"));
        assertThat(text(jib, "container/environment/" + CONFIG_LOCATION)).isEqualTo(dockerfile.environment().get(CONFIG_LOCATION));
        List<String> entrypoint = Dockerfile.words(dockerfile.last("ENTRYPOINT"));
        assertThat(texts(jib, "container/jvmFlags/jvmFlag")).as("the same JVM options as the Dockerfile's ENTRYPOINT")
                .isEqualTo(entrypoint.subList(1, entrypoint.indexOf("-jar")));
        assertThat(text(jib, "outputPaths/tar")).isEqualTo("${project.build.directory}/planpilot-image.tar");
        assertThat(texts(jib, "extraDirectories/paths/path/from")).contains("${project.basedir}/../deploy/image", "${project.basedir}/../deploy/jib");
        assertThat(Files.readAllLines(DEPLOY.resolve("jib/etc/passwd"))).as("Jib cannot run useradd: its passwd carries the user")
                .anySatisfy(line -> assertThat(line).startsWith("planpilot:x:10001:0:"));
    }

    // --- how the adapter would see its configuration in each install

    /** Highest precedence first: the environment (compose over the image's ENV), secret files, the admin's file, the image's defaults. */
    private static List<PropertySource<?>> composeSources(ComposeFile compose, Dockerfile dockerfile, Map<String, String> composeEnvironment)
            throws IOException {
        Map<String, Object> environment = new LinkedHashMap<>(dockerfile.environment());
        environment.putAll(composeEnvironment);
        List<PropertySource<?>> sources = new ArrayList<>();
        sources.add(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));

        List<String> secrets = compose.secretTargets("planpilot");
        if (!secrets.isEmpty()) {
            assertThat(String.valueOf(environment.get("SPRING_CONFIG_IMPORT")))
                    .as("secrets are files in /run/secrets: the adapter imports them as a config tree").contains("configtree:/run/secrets/");
            Map<String, Object> tree = new LinkedHashMap<>();
            secrets.forEach(name -> tree.put(name, secretValue(name)));
            sources.add(new MapPropertySource("configtree /run/secrets/", tree));
        }

        String adminFile = adminFile(String.valueOf(environment.get(CONFIG_LOCATION)));
        ComposeFile.Mount mounted = compose.mounts("planpilot").stream().filter(mount -> mount.target().equals(adminFile)).findFirst()
                .orElseThrow(() -> new AssertionError("compose mounts nothing at " + adminFile + ", where the image looks for the admin's file"));
        assertThat(mounted.bind()).isTrue();
        sources.addAll(yaml(compose.hostPath(mounted)));
        sources.addAll(yaml(imageDefaults(dockerfile)));
        return sources;
    }

    /** Highest precedence first: the unit's environment file over its Environment=, the admin's file, the defaults in its working directory. */
    private static List<PropertySource<?>> systemdSources(SystemdUnit unit, Dockerfile dockerfile, boolean withExamples) throws IOException {
        Map<String, Object> environment = new LinkedHashMap<>(unit.environment());
        environment.putAll(EnvFile.read(DEPLOY.resolve("planpilot.env.example"), withExamples));
        List<PropertySource<?>> sources = new ArrayList<>();
        sources.add(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));

        assertThat(environment.get(CONFIG_LOCATION)).as("the unit reads the admin's file where the image does")
                .isEqualTo(dockerfile.environment().get(CONFIG_LOCATION));
        assertThat(adminFile(String.valueOf(environment.get(CONFIG_LOCATION)))).isEqualTo("/etc/planpilot/application.yml");
        String adminYaml = Files.readString(DEPLOY.resolve("application.yml"));
        sources.addAll(yaml("deploy/application.yml", withExamples ? COMMENTED_EXAMPLE.matcher(adminYaml).replaceAll("$1") : adminYaml));

        assertThat(unit.service("WorkingDirectory")).as("the unit's working directory holds the image's defaults, as the image's does")
                .isEqualTo(workingDirectory(dockerfile));
        sources.addAll(yaml(imageDefaults(dockerfile)));
        return sources;
    }

    private static AdapterConfig check(String where, List<PropertySource<?>> sources) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().forEach(source -> environment.getPropertySources().remove(source.getName()));
        sources.forEach(environment.getPropertySources()::addLast);
        try {
            return new AdapterConfigReader(ConnectorCatalog.installed()).read(environment);
        } catch (InvalidConfigurationException e) {
            throw new AssertionError(where + " does not pass the adapter's start-up check:\n"
                    + String.join("\n", e.problems().stream().map(ConfigProblem::toString).toList()), e);
        }
    }

    private static String secretValue(String name) {
        return "secret from /run/secrets/" + name;
    }

    /** The file the image puts in its working directory as application.yml (Spring Boot's file:./). */
    private static Path imageDefaults(Dockerfile dockerfile) {
        String target = workingDirectory(dockerfile) + "/application.yml";
        return dockerfile.all("COPY").stream().map(copy -> copy.split("\\s+")).filter(words -> words[words.length - 1].equals(target))
                .map(words -> ROOT.resolve(words[0])).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile copies no " + target));
    }

    private static String workingDirectory(Dockerfile dockerfile) {
        return dockerfile.last("WORKDIR");
    }

    private static String adminFile(String location) {
        assertThat(location).as(CONFIG_LOCATION).startsWith("optional:file:").endsWith("/");
        return location.substring("optional:file:".length()) + "application.yml";
    }

    private static List<PropertySource<?>> yaml(Path file) throws IOException {
        assertThat(file).exists();
        return new YamlPropertySourceLoader().load(ROOT.relativize(file).toString(), new FileSystemResource(file));
    }

    private static List<PropertySource<?>> yaml(String name, String text) throws IOException {
        return new YamlPropertySourceLoader().load(name, new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), name));
    }

    private static Element jibConfiguration() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("adapter-app/pom.xml").toFile());
        var profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if ("image".equals(text(profile, "id"))) {
                var plugins = profile.getElementsByTagName("plugin");
                for (int j = 0; j < plugins.getLength(); j++) {
                    Element plugin = (Element) plugins.item(j);
                    if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                        return child(plugin, "configuration");
                    }
                }
            }
        }
        throw new AssertionError("adapter-app/pom.xml has no profile 'image' with the jib-maven-plugin");
    }

    private static String text(Element element, String path) {
        List<String> found = texts(element, path);
        assertThat(found).as(path).hasSize(1);
        return found.get(0);
    }

    private static List<String> texts(Element element, String path) {
        List<Element> current = List.of(element);
        for (String name : path.split("/")) {
            List<Element> next = new ArrayList<>();
            for (Element parent : current) {
                for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                    if (node instanceof Element child && child.getTagName().equals(name)) {
                        next.add(child);
                    }
                }
            }
            current = next;
        }
        return current.stream().map(e -> e.getTextContent().strip()).toList();
    }

    private static Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("deploy/docker-compose.yml")) && Files.exists(dir.resolve("Dockerfile"))) {
                return dir;
            }
        }
        throw new AssertionError("no repository root with deploy/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
}
