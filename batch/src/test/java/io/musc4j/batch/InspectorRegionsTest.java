package io.musc4j.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.PillowResize;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.inspect.Region;
import io.musc4j.engine.inspect.Verdict;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.threshold.ThresholdRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The line inspector and a batch run draw a part's regions the same way: for the same map and
 * threshold, a batch run's regions (category.json) are the Inspector's, in the image's own pixels.
 */
class InspectorRegionsTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final Path TEST = PARITY.resolve("data/brick/test");

    private static RgbImage read(String name, int w, int h) throws IOException {
        RgbImage img = ImageDecoder.javaImageIo().decode(TEST.resolve(name));
        return PillowResize.resize(img, w, h, PillowResize.Filter.BILINEAR);
    }

    @Test
    void theInspectorAndABatchRunGiveTheSameBoxesForTheSameMap() throws IOException {
        List<RgbImage> bank = List.of(read("good/000.png", 300, 200), read("good/001.png", 300, 200),
                read("good/002.png", 300, 200));
        RgbImage part = read("scratch/000.png", 300, 200);
        try (MuSc musc = MuSc.builder().config(MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny")
                .toString()).imageSize(224).layers(1, 3, 5).degrees(1, 3, 5).rscin(RscinWindows.off()).build()).build()) {
            double score;
            try (Inspector probe = Inspector.builder(musc).bankSize(3).warmUp(3).threshold(0.0).build()) {
                probe.inspect(bank);
                score = probe.inspect(part).score();
            }
            // a threshold a little under the part's score: its strongest spots only, several regions
            double threshold = 0.8 * score;
            Inspection got;
            try (Inspector inspector = Inspector.builder(musc).bankSize(3).warmUp(3).threshold(threshold).build()) {
                inspector.inspect(bank);
                got = inspector.inspect(part);
            }
            assertEquals(Verdict.ANOMALOUS, got.verdict());
            assertFalse(got.regions().isEmpty());
            for (Region r : got.regions()) {
                assertTrue(r.box().x1() <= 300 && r.box().y1() <= 200, "in image pixels: " + r.box());
            }

            Category category = new Category("c", TEST, List.of(new Sample(TEST.resolve("scratch/000.png"),
                    "scratch/000.png", "scratch", "000", OptionalInt.empty(), Optional.empty())));
            CategoryDecision decision = CategoryDecision.of(category, new double[] {got.score()},
                    ThresholdRule.parse("fixed:" + got.threshold()), null);
            List<Region> batch = decision.regions(0, ImageMap.fromNetwork(got.map(), 224, 300, 200), false).regions();
            assertEquals(got.regions(), batch);
        }
    }
}
