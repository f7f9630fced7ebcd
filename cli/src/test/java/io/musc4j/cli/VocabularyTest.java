package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.engine.ImageResult;
import io.musc4j.engine.ScoredSet;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name per quantity: the Java API, scores.csv's header, category.json, run.json and the report use the
 * names of docs/thresholds.md's "Names" table ("score" once meant three things).
 */
class VocabularyTest {

    @TempDir
    Path tmp;
    /** Columns and keys that name things, not quantities (width and height: the image's own size). */
    private static final Set<String> NOT_QUANTITIES = Set.of("image", "label", "heatmap", "mask", "regions", "how",
            "rule_in_words", "anomalous", "normal", "pixel_rule", "width", "height", "coordinates", "map", "size");

    private static Set<String> names() throws Exception {
        Path doc = Path.of(System.getProperty("musc4j.testdata")).getParent().resolve("docs/thresholds.md");
        String text = Files.readString(doc);
        String section = text.substring(text.indexOf("## Names"));
        int next = section.indexOf("\n## ", 4);
        section = next > 0 ? section.substring(0, next) : section;
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(section);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.containsAll(List.of("score", "map_max", "threshold", "pixel_threshold", "ratio", "rule",
                "verdict")), names::toString);
        return names;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void theApiTheCsvTheJsonAndTheReportSpeakTheDocumentedNames() throws Exception {
        Set<String> names = names();
        for (String column : ScoresCsv.HEADER.split(",")) {
            assertTrue(names.contains(column) || NOT_QUANTITIES.contains(column), "scores.csv column " + column);
        }
        List<String> components = Arrays.stream(ImageResult.class.getRecordComponents()).map(RecordComponent::getName)
                .map(VocabularyTest::snake).toList();
        for (String component : components) {
            assertTrue(names.contains(component) || NOT_QUANTITIES.contains(component), "ImageResult " + component);
        }
        Set<String> methods = new HashSet<>();
        for (Method method : ScoredSet.class.getMethods()) {
            methods.add(method.getName());
        }
        assertTrue(methods.containsAll(List.of("scores", "mapMax")), methods::toString);
        assertFalse(methods.stream().anyMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("rscin")), "no other name");

        Path out = tmp.resolve("out");
        String category = "brick";
        Cli.Outcome r = Cli.musc("run", "--data", Cli.DATA, "--format", "mvtec", "--category", category, "--model",
                Cli.DINOV2, "--layers", "1,3,5,7", "--out", out);
        assertEquals(0, r.code(), r::toString);
        JsonObject summary = RunParityTest.json(out.resolve(category).resolve("category.json"));
        JsonObject image = summary.getAsJsonArray("images").get(0).getAsJsonObject();
        for (String key : image.keySet()) {
            assertTrue(names.contains(key) || NOT_QUANTITIES.contains(key), "category.json images[]." + key);
        }
        JsonObject decision = summary.getAsJsonObject("decision");
        for (String key : decision.keySet()) {
            assertTrue(names.contains(key) || NOT_QUANTITIES.contains(key), "category.json decision." + key);
        }
        JsonObject run = RunParityTest.json(out.resolve("run.json"));
        assertEquals(decision, run.getAsJsonObject("thresholds").getAsJsonObject(category));
        assertTrue(run.getAsJsonObject("config").has("rule"), "run.json names the rule 'rule'");
        assertFalse(run.getAsJsonObject("config").has("threshold"), "'threshold' is a number, not a rule");

        String html = Files.readString(out.resolve("report.html"));
        for (String name : List.of("map_max", "score", "Image threshold", "Pixel threshold")) {
            assertTrue(html.contains(name), "report says " + name);
        }
        assertFalse(html.contains("score_rscin") || html.contains("before RsCIN)</text>"), "no retired name");
    }
}
