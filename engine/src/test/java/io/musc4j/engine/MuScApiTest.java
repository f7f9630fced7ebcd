package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static io.musc4j.engine.ParityRun.toDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.engine.rscin.RscinWindows;
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
        try (MuSc musc = open(MuscConfig.builder().model(PARITY.resolve("models").resolve(model).toString())
                .layers(layers).imageSize(224))) {
            assertEquals(224, musc.imageSize());
            assertTrue(Arrays.equals(layers, musc.layers()));
            ScoredSet r = musc.score(paths);
            assertEquals(paths.size(), r.size());
            assertEquals(224, r.imageSize());
            report(id, "api score", maxAbs(run.array("score_pre_rscin.npy").toDoubles(), r.mapMax()));
            report(id, "api score rscin", maxAbs(run.array("score_rscin.npy").toDoubles(), toDoubles(r.scores())));
            int[] subset = run.subset("pixel_maps");
            double[] pixels = run.array("pixel_maps.npy").toDoubles();
            int per = 224 * 224;
            double err = 0;
            for (int s = 0; s < subset.length; s++) {
                ImageResult image = r.image(subset[s]);
                assertEquals(r.mapMax()[subset[s]], image.mapMax());
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
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> MuscConfig.builder().batchSize(0));
        assertEquals("batch size must be positive, got 0", batch.getMessage());
        IllegalArgumentException noLayers = assertThrows(IllegalArgumentException.class, () -> MuscConfig.builder().layers());
        assertTrue(noLayers.getMessage().contains("layer"), noLayers.getMessage());
        IllegalArgumentException layer = assertThrows(IllegalArgumentException.class,
                () -> open(MuscConfig.builder().model(DINOV2.toString()).layers(1, 8)));
        assertEquals("layer 8 does not exist: the backbone has blocks 0..7", layer.getMessage());
        try (MuSc musc = open(MuscConfig.builder().model(DINOV2.toString()))) {
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                    () -> musc.score(List.of(PARITY.resolve("data/brick/test/good/000.png"))));
            assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
            assertEquals(224, musc.imageSize());
            assertEquals(8, musc.backboneSpec().blocks());
        }
    }

    /**
     * Options that need the model are checked against its config.json before any weight is read: here
     * the weights file is garbage, and only options that fit the model get as far as reading it.
     */
    @Test
    void layersBeyondTheModelFailBeforeTheWeightsLoad(@TempDir Path tmp) throws IOException {
        Path configOnly = Files.createDirectories(tmp.resolve("bad-weights"));
        Files.copy(DINOV2.resolve("config.json"), configOnly.resolve("config.json"));
        Files.write(configOnly.resolve("model.safetensors"), new byte[] {1, 2, 3});
        IllegalArgumentException layer = assertThrows(IllegalArgumentException.class,
                () -> open(MuscConfig.builder().model(configOnly.toString()).layers(1, 8)));
        assertEquals("layer 8 does not exist: the backbone has blocks 0..7", layer.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> open(MuscConfig.builder().model(configOnly.toString()).imageSize(13)));
        assertEquals("image size 13 is smaller than one patch (14 px)", size.getMessage());
        // with fitting options the same folder gets as far as its weights
        IOException weights = assertThrows(IOException.class, () -> open(MuscConfig.builder().model(configOnly.toString())));
        assertTrue(weights.getMessage().contains("model.safetensors"), weights.getMessage());
    }

    /** The configuration a MuSc reports is resolved against the model, RsCIN included (not forced off). */
    @Test
    void theConfigurationIsResolvedAndKeepsRscin() throws IOException {
        try (MuSc musc = open(MuscConfig.builder().model(DINOV2.toString()).rscin(RscinWindows.of(1, 3)).degrees(1, 3)
                .device(ai.djl.Device.cpu()))) {
            MuscConfig c = musc.config();
            assertEquals(RscinWindows.of(1, 3), c.rscin());
            assertEquals(224, c.imageSize());
            assertEquals(List.of(1, 3, 5, 7), c.layers(), "8 blocks: four evenly spaced, ending at the last");
            assertEquals("cpu", c.device().toString());
            assertTrue(c.describe().contains("\"layers\":[1,3,5,7]"), c.describe());
        }
    }

    /** All maps at once (one scope, in chunks) are the maps one at a time, in input order. */
    @Test
    void allMapsAtOnceEqualEachMap() throws IOException {
        ParityRun run = ParityRun.load("brick_dinov2-tiny_r135_k123");
        List<Path> paths = Files.readAllLines(run.dir().resolve("image_order.txt")).stream()
                .filter(l -> !l.isBlank()).map(PARITY.resolve("data")::resolve).toList();
        try (MuSc musc = open(MuscConfig.builder().model(DINOV2.toString()).layers(1, 7).degrees(1)
                .division(new Division(2, Division.Mode.RANDOM, 7)))) {
            ScoredSet r = musc.score(paths);
            float[][] maps = r.maps();
            assertEquals(paths.size(), maps.length);
            List<ImageResult> images = r.images();
            for (int i = 0; i < maps.length; i++) {
                assertTrue(Arrays.equals(r.map(i), maps[i]), "map " + i);
                assertTrue(Arrays.equals(maps[i], images.get(i).map()), "image " + i);
                float max = Float.NEGATIVE_INFINITY;
                for (float v : maps[i]) {
                    max = Math.max(max, v);
                }
                assertEquals((float) r.mapMax()[i], max, "the score before RsCIN is the map's maximum");
            }
        }
    }

    @Test
    void missingModelFolderOrImageIsNamed(@TempDir Path tmp) throws IOException {
        Path nowhere = tmp.resolve("no-model");
        HubException model = assertThrows(HubException.class, () -> open(MuscConfig.builder().model(nowhere.toString())));
        assertTrue(model.getMessage().contains(nowhere.toString()), model.getMessage());
        Path missing = tmp.resolve("missing.png");
        try (MuSc musc = open(MuscConfig.builder().model(DINOV2.toString()))) {
            IOException image = assertThrows(IOException.class,
                    () -> musc.score(List.of(PARITY.resolve("data/brick/test/good/000.png"), missing)));
            assertTrue(image.getMessage().contains(missing.toString()), image.getMessage());
        }
    }

    private static MuSc open(MuscConfig.Builder options) throws IOException {
        return MuSc.builder().config(options.build()).build();
    }
}
