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
        }
    }
}
