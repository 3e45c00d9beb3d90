package io.planpilot.app.amocrm;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The widget under {@code integrations/amocrm/widget} is what amoCRM accepts: a manifest with the
 * lead-card and leads-list locations and the two settings the script reads, every text it names in
 * both languages, the five logos in amoCRM's sizes, and {@code build.sh} packing it with the
 * manifest at the root of {@code widget.zip}.
 */
class WidgetPackageTest {

    private static final Path INTEGRATION = Path.of("..", "integrations", "amocrm").toAbsolutePath().normalize();
    private static final Path WIDGET = INTEGRATION.resolve("widget");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** amoCRM's logo files and their sizes (Integrations > widget structure). */
    private static final Map<String, int[]> LOGOS = Map.of(
            "logo_main.png", new int[]{400, 272},
            "logo_small.png", new int[]{108, 108},
            "logo_medium.png", new int[]{240, 84},
            "logo_min.png", new int[]{84, 84},
            "logo.png", new int[]{130, 100});

    @Test
    void theManifestNamesTheLocationsSettingsAndTextsAmoCrmNeeds() throws IOException {
        JsonNode manifest = read("manifest.json");
        JsonNode widget = manifest.get("widget");
        for (String key : List.of("name", "description", "short_description")) {
            assertThat(widget.get(key).asString()).as("widget.%s is an i18n key", key).isEqualTo("widget." + key);
        }
        assertThat(widget.get("version").asString()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(widget.get("interface_version").asInt()).isEqualTo(2);
        assertThat(widget.get("installation").asBoolean()).isTrue();
        assertThat(strings(manifest.get("locations"))).containsExactly("lcard-1", "llist-1", "settings");
        assertThat(strings(widget.get("locale"))).containsExactlyInAnyOrder("ru", "en");

        JsonNode settings = manifest.get("settings");
        assertThat(names(settings)).containsExactlyInAnyOrder("adapter_url", "connection");
        for (String setting : names(settings)) {
            assertThat(settings.get(setting).get("type").asString()).isEqualTo("text");
            assertThat(settings.get(setting).get("required").asBoolean()).isTrue();
        }

        for (String locale : strings(widget.get("locale"))) {
            Set<String> texts = keys(read("i18n/" + locale + ".json"));
            List<String> named = new ArrayList<>(List.of(widget.get("name").asString(), widget.get("description").asString(),
                    widget.get("short_description").asString()));
            names(settings).forEach(setting -> named.add(settings.get(setting).get("name").asString()));
            assertThat(texts).as("i18n/%s.json", locale).containsAll(named);
        }
    }

    @Test
    void bothLanguagesHaveTheSameTextsAndTheScriptUsesOnlyThose() throws IOException {
        Set<String> english = keys(read("i18n/en.json"));
        assertThat(keys(read("i18n/ru.json"))).isEqualTo(english);

        String script = Files.readString(WIDGET.resolve("script.js"), StandardCharsets.UTF_8);
        Matcher used = Pattern.compile("\\bt\\('([a-z_]+\\.[a-z_.]+)'\\)").matcher(script);
        Set<String> keys = new TreeSet<>();
        while (used.find()) {
            keys.add(used.group(1));
        }
        assertThat(keys).isNotEmpty();
        assertThat(english).containsAll(keys);
        // amoCRM adds X-Auth-Token only to calls made through $authorizedAjax
        assertThat(script).contains("self.$authorizedAjax(").contains("/crm/amocrm/")
                .contains("s.adapter_url").contains("s.connection");
    }

    @Test
    void theLogosHaveAmoCrmsSizes() throws IOException {
        for (Map.Entry<String, int[]> logo : LOGOS.entrySet()) {
            Path file = WIDGET.resolve("images").resolve(logo.getKey());
            BufferedImage image = ImageIO.read(file.toFile());
            assertThat(image).as(logo.getKey()).isNotNull();
            assertThat(new int[]{image.getWidth(), image.getHeight()}).as(logo.getKey()).isEqualTo(logo.getValue());
            assertThat(Files.size(file)).as(logo.getKey()).isLessThan(300 * 1024);
        }
    }

    @Test
    void buildShZipsTheWidgetWithTheManifestAtTheRoot() throws Exception {
        Process build = new ProcessBuilder("bash", INTEGRATION.resolve("build.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as(output).isZero();
        Path zip = INTEGRATION.resolve("target").resolve("widget.zip");
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<String> entries = archive.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(entries).contains("manifest.json", "script.js", "i18n/en.json", "i18n/ru.json")
                    .containsAll(LOGOS.keySet().stream().map(name -> "images/" + name).toList());
            byte[] manifest = archive.getInputStream(archive.getEntry("manifest.json")).readAllBytes();
            assertThat(manifest).isEqualTo(Files.readAllBytes(WIDGET.resolve("manifest.json")));
        }
    }

    private static JsonNode read(String file) throws IOException {
        return JSON.readTree(Files.readString(WIDGET.resolve(file), StandardCharsets.UTF_8));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asString()));
        return values;
    }

    private static List<String> names(JsonNode object) {
        return new ArrayList<>(object.propertyNames());
    }

    /** Every text's dotted key: {@code widget.name}, {@code figures.stage}, ... */
    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        collect(node, "", keys);
        return keys;
    }

    private static void collect(JsonNode node, String prefix, Set<String> keys) {
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                collect(node.get(name), prefix.isEmpty() ? name : prefix + "." + name, keys);
            }
        } else {
            keys.add(prefix);
        }
    }
}
