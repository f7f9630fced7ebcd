package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** category.json writes an undefined metric as JSON null (not the non-JSON NaN) and reads it back as NaN. */
class CategorySummaryJsonTest {

    private static CategorySummary withMetrics(Map<String, Double> metrics) {
        return new CategorySummary("good_only", "{}", null, null, List.of(), metrics, Map.of(), 0, null);
    }

    @Test
    void anUndefinedMetricIsNullInTheFileAndNaNWhenReadBack() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("image_auroc", Double.NaN);
        metrics.put("pixel_auroc", 0.9731);
        String json = withMetrics(metrics).toJson();

        JsonObject written = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("metrics");
        assertTrue(written.has("image_auroc") && written.get("image_auroc").isJsonNull(), json);
        assertEquals(0.9731, written.get("pixel_auroc").getAsDouble());
        assertTrue(!json.contains("NaN"), json);

        Map<String, Double> read = CategorySummary.fromJson(json).metrics();
        assertTrue(read.get("image_auroc").isNaN());
        assertEquals(0.9731, read.get("pixel_auroc"));
    }

    @Test
    void anUnlabelledCategoryStillHasNoMetrics() {
        String json = withMetrics(null).toJson();
        assertTrue(!JsonParser.parseString(json).getAsJsonObject().has("metrics")
                || JsonParser.parseString(json).getAsJsonObject().get("metrics").isJsonNull(), json);
        assertEquals(null, CategorySummary.fromJson(json).metrics());
    }
}
