package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Warnings;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reproduce flow on the parity fixture gives the reference's own metrics for brick with dinov2-tiny. */
class ReproduceParityTest {

    @Test
    void brickWithDinov2TinyMatchesTheReferenceMetrics() throws Exception {
        Path parity = Path.of(System.getProperty("musc4j.testdata"), "parity");
        JsonObject expected = JsonParser.parseString(Files.readString(
                parity.resolve("runs/brick_dinov2-tiny_r135_k123/metrics.json"))).getAsJsonObject();
        Warnings warnings = new Warnings(m -> { });
        Category brick = Datasets.categories(DatasetFormat.MVTEC, parity.resolve("data"), List.of("brick"), warnings).get(0);
        // the reference run's settings: S=224, layers 1,3,5,7, r 1,3,5, RsCIN 1,2,3 (its manifest.json)
        try (MuSc musc = MuSc.builder().config(MuscConfig.builder().model(parity.resolve("models/dinov2-tiny")
                .toString()).imageSize(224).layers(1, 3, 5, 7).build()).build()) {
            Map<String, Double> ours = ReproduceCommand.evaluate(musc, brick, DatasetFormat.MVTEC, warnings);
            double worst = 0;
            for (String m : PublishedResults.METRICS) {
                double e = expected.get(m).getAsDouble();
                assertEquals(e, ours.get(m), 1e-6, m);
                worst = Math.max(worst, Math.abs(e - ours.get(m)));
            }
            System.out.println("reproduce vs reference metrics, brick/dinov2-tiny: max abs error " + worst);
        }
    }
}
