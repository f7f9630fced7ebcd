package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A category without defects has no image AUROC, AP or F1-max (the reference's 0 would halve the mean):
 * absent in metrics.json and metrics.md, and the mean is over the categories that have them.
 */
class UndefinedMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void aCategoryWithoutDefectsHasNoImageMetricsAndStaysOutOfTheMean() throws IOException {
        Path data = Cli.smallBrick(tmp.resolve("data"));
        Path brick = Cli.DATA.resolve("brick");
        for (String f : List.of("000.png", "001.png", "002.png", "003.png")) {
            Path to = data.resolve("plain/test/good").resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(brick.resolve("test/good").resolve(f), to);
        }
        Path out = tmp.resolve("out");
        Cli.Outcome r = Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--image-size", 112,
                "--heatmaps", "none", "--out", out);
        assertEquals(0, r.code(), r::toString);
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        JsonObject plain = json.getAsJsonObject("categories").getAsJsonObject("plain");
        for (String m : List.of("image_auroc", "image_ap", "image_f1_max", "image_f1_at_threshold", "pixel_auroc",
                "pixel_aupro")) {
            assertTrue(plain.get(m).isJsonNull(), m + " of a category without defects: " + plain);
        }
        double brickAuroc = json.getAsJsonObject("categories").getAsJsonObject("brick").get("image_auroc").getAsDouble();
        assertEquals(brickAuroc, json.getAsJsonObject("mean").get("image_auroc").getAsDouble());
        assertEquals(1, json.getAsJsonObject("mean_over").get("image_auroc").getAsInt());
        String md = Files.readString(out.resolve("metrics.md"));
        assertTrue(md.contains("| plain | – | – | – | – | – |"), md);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("plain\\s+4\\s+0\\s+\\d+\\s+\\S+\\s+-\\s+-\\s+-\\s+-\\s+-\\s.*")),
                r::toString);
    }
}
