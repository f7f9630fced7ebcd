package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code musc demo} generates its dataset, scores it and says where the report is. */
class DemoTest {

    @TempDir
    Path tmp;

    @Test
    void demoRunsAndPointsAtTheReport() throws Exception {
        Path out = tmp.resolve("demo");
        Cli.Outcome r = Cli.musc("demo", "--model", Cli.DINOV2, "--out", out);
        assertEquals(0, r.code(), r::toString);
        Path report = out.resolve("results/report.html").toAbsolutePath();
        assertTrue(r.out().contains(report.toString()), r::toString);
        assertTrue(Files.readString(report).contains("<img"), "report shows heatmaps");
        JsonObject categories = RunParityTest.json(out.resolve("results/metrics.json")).getAsJsonObject("categories");
        assertEquals(3, categories.size(), categories::toString);
        for (String name : categories.keySet()) {
            assertTrue(Files.isDirectory(out.resolve("data").resolve(name).resolve("ground_truth")), name);
            double auroc = categories.getAsJsonObject(name).get("image_auroc").getAsDouble();
            // Even random tiny weights separate the synthetic defects better than chance.
            assertTrue(auroc > 0.5, name + " image AUROC " + auroc);
            verdictsAgreeWithTheHeatmaps(out.resolve("results").resolve(name), categories.getAsJsonObject(name));
        }
    }

    /**
     * The demo's verdicts match its labels as well as the measured F1 (docs/thresholds.md: F1 1.00 on these
     * textures with the tiny DINOv2, where the former default flagged no part at all), and every anomalous
     * part shows where.
     */
    private static void verdictsAgreeWithTheHeatmaps(Path category, JsonObject metrics) throws Exception {
        double f1 = metrics.get("image_f1_at_threshold").getAsDouble();
        assertTrue(f1 >= 0.9, category + ": F1 at threshold " + f1 + " (F1-max " + metrics.get("image_f1_max") + ")");
        JsonObject summary = RunParityTest.json(category.resolve("category.json"));
        for (var e : summary.getAsJsonArray("images")) {
            JsonObject image = e.getAsJsonObject();
            boolean anomalous = image.get("verdict").getAsString().equals("anomalous");
            assertEquals(anomalous, image.getAsJsonArray("regions").size() > 0, image.toString());
            assertEquals(anomalous, image.get("ratio").getAsDouble() > 1, image.toString());
        }
    }
}
