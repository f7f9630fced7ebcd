package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static io.musc4j.engine.ParityRun.toDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.models.hub.HubException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The public Java API from image files to scores and maps, against the reference runs. */
class MuScApiTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final Path DINOV2 = PARITY.resolve("models/dinov2-tiny");

    /** brick: 224 px images as they are; brick256: 256 px images that the API resizes (exact Pillow) to 224. */
    @ParameterizedTest
    @CsvSource({"brick_dinov2-tiny_r135_k123, dinov2-tiny", "brick256_clip-tiny_r135_k123, clip-tiny",
            "brick_dino-tiny_r135_k123, dino-tiny"})
    void scoresImageFilesLikeTheReference(String id, String model) throws IOException {
        ParityRun run = ParityRun.load(id);
        List<Path> paths = Files.readAllLines(run.dir().resolve("image_order.txt")).stream()
                .filter(l -> !l.isBlank()).map(PARITY.resolve("data")::resolve).toList();
        int[] layers = run.ints("feature_layers").stream().mapToInt(Integer::intValue).toArray();
        try (MuSc musc = MuSc.builder().model(PARITY.resolve("models").resolve(model).toString()).layers(layers)
                .imageSize(224).build()) {
            assertEquals(224, musc.imageSize());
            assertTrue(Arrays.equals(layers, musc.layers()));
            BatchResult r = musc.score(paths);
            assertEquals(paths.size(), r.size());
            assertEquals(224, r.imageSize());
            report(id, "api score", maxAbs(run.array("score_pre_rscin.npy").toDoubles(), r.scores()));
            report(id, "api score rscin", maxAbs(run.array("score_rscin.npy").toDoubles(), toDoubles(r.scoresRscin())));
            int[] subset = run.subset("pixel_maps");
            double[] pixels = run.array("pixel_maps.npy").toDoubles();
            int per = 224 * 224;
            double err = 0;
            for (int s = 0; s < subset.length; s++) {
                ImageResult image = r.image(subset[s]);
                assertEquals(r.scores()[subset[s]], image.score());
                err = Math.max(err, maxAbs(Arrays.copyOfRange(pixels, s * per, (s + 1) * per), toDoubles(image.map())));
            }
            report(id, "api maps (" + subset.length + ")", err);
        }
    }

    @Test
    void builderNamesWhatIsWrong() throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> MuSc.builder().build());
        assertTrue(none.getMessage().contains("model("), none.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> MuSc.builder().batchSize(0));
        assertEquals("batch size must be positive, got 0", batch.getMessage());
        IllegalArgumentException noLayers = assertThrows(IllegalArgumentException.class, () -> MuSc.builder().layers());
        assertTrue(noLayers.getMessage().contains("layer"), noLayers.getMessage());
        IllegalArgumentException layer = assertThrows(IllegalArgumentException.class,
                () -> MuSc.builder().model(DINOV2.toString()).layers(1, 8).build());
        assertEquals("layer 8 does not exist: the backbone has blocks 0..7", layer.getMessage());
        try (MuSc musc = MuSc.builder().model(DINOV2.toString()).build()) {
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                    () -> musc.score(List.of(PARITY.resolve("data/brick/test/good/000.png"))));
            assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
            assertEquals(224, musc.imageSize());
            assertEquals(8, musc.backboneSpec().blocks());
        }
    }

    @Test
    void missingModelFolderOrImageIsNamed(@TempDir Path tmp) throws IOException {
        Path nowhere = tmp.resolve("no-model");
        HubException model = assertThrows(HubException.class, () -> MuSc.builder().model(nowhere.toString()).build());
        assertTrue(model.getMessage().contains(nowhere.toString()), model.getMessage());
        Path missing = tmp.resolve("missing.png");
        try (MuSc musc = MuSc.builder().model(DINOV2.toString()).build()) {
            IOException image = assertThrows(IOException.class,
                    () -> musc.score(List.of(PARITY.resolve("data/brick/test/good/000.png"), missing)));
            assertTrue(image.getMessage().contains(missing.toString()), image.getMessage());
        }
    }
}
