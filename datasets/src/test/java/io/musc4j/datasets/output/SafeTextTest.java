package io.musc4j.datasets.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names from the file system end up in files other programs interpret: a spreadsheet evaluates a CSV
 * cell starting with '=', Markdown renders HTML and emphasis. They are written as text; numbers stay
 * numbers. Undefined metrics are absent and the means say over how many categories they are taken.
 */
class SafeTextTest {

    @TempDir
    Path dir;

    @Test
    void csvCellsASpreadsheetWouldEvaluateAreText() throws Exception {
        List<String> names = List.of("=HYPERLINK(\"http://x\",\"y\").png", "+1.png", "-2.png", "@SUM(A1).png",
                "\tx.png", "\rx.png", "good/000.png");
        List<ScoreRow> rows = names.stream().map(n -> new ScoreRow(n, OptionalInt.of(0), -0.5, -1.25, -1.0, "fixed:-1", false))
                .toList();
        Path csv = dir.resolve("scores.csv");
        ScoresCsv.write(csv, rows);
        String text = Files.readString(csv);
        List<String> lines = text.lines().toList();
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\").png\",0,-0.5,-1.25,-1.0,,fixed:-1,normal", lines.get(1));
        assertEquals("'+1.png,0,-0.5,-1.25,-1.0,,fixed:-1,normal", lines.get(2));
        assertEquals("'-2.png,0,-0.5,-1.25,-1.0,,fixed:-1,normal", lines.get(3));
        assertEquals("'@SUM(A1).png,0,-0.5,-1.25,-1.0,,fixed:-1,normal", lines.get(4));
        assertEquals("'\tx.png,0,-0.5,-1.25,-1.0,,fixed:-1,normal", lines.get(5));
        assertTrue(text.contains("\"'\rx.png\",0,"), text);
        assertTrue(text.contains("\ngood/000.png,0,-0.5,"), text);
    }

    @Test
    void markdownNamesAreText() {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        m.put("<img src=x onerror=alert(1)>|*b*_[l](u)", Map.of("image_auroc", 0.5));
        String md = MetricsFiles.markdown(m);
        assertTrue(md.contains("| \\<img src=x onerror=alert\\(1\\)\\>\\|\\*b\\*\\_\\[l\\]\\(u\\) | 50.00 |"), md);
    }

    /** brick 97.22 and a category without defects: the mean is brick's, over 1 category, not 48.61 over 2. */
    @Test
    void undefinedMetricsAreAbsentAndTheMeanSaysOverHowMany() throws Exception {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        m.put("brick", Map.of("image_auroc", 0.9722, "pixel_auroc", 0.95));
        Map<String, Double> plain = new LinkedHashMap<>();
        plain.put("image_auroc", Double.NaN);
        plain.put("pixel_auroc", Double.NaN);
        m.put("plain", plain);
        Path json = dir.resolve("metrics.json");
        MetricsFiles.writeJson(json, m);
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertTrue(root.getAsJsonObject("categories").getAsJsonObject("plain").get("image_auroc").isJsonNull());
        assertEquals(0.9722, root.getAsJsonObject("mean").get("image_auroc").getAsDouble(), 1e-12);
        assertEquals(1, root.getAsJsonObject("mean_over").get("image_auroc").getAsInt());
        String md = MetricsFiles.markdown(m);
        assertTrue(md.contains("| plain | – |"), md);
        assertTrue(md.contains("| **Mean** | 97.22 |"), md);
        assertTrue(md.contains("| *Categories in the mean* | 1 |"), md);
        Path html = dir.resolve("report.html");
        HtmlReport.builder().metrics(m).build().write(html);
        String page = Files.readString(html);
        assertTrue(page.contains("<tr><td>plain</td><td>–</td>"), page);
        assertTrue(page.contains("<tr><td>Categories in the mean</td><td>1</td>"), page);
    }
}
