package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.Npy;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Backbones;
import io.musc4j.models.Features;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One reference run of the parity fixtures: its manifest and arrays. */
public record ParityRun(Path dir, JsonObject manifest) {

    /** Absolute tolerance of every parity comparison (the issue's; never loosen it). */
    public static final double TOLERANCE = 1e-5;

    static final Path RUNS = Path.of(System.getProperty("musc4j.testdata"), "parity", "runs");

    public static ParityRun load(String id) {
        Path dir = RUNS.resolve(id);
        try {
            return new ParityRun(dir, JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Npy.Array array(String file) {
        try {
            return Npy.read(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NDArray floats(NDManager manager, String file) {
        Npy.Array a = array(file);
        return manager.create(a.toFloats(), new Shape(a.shape()));
    }

    public List<Integer> ints(String key) {
        List<Integer> out = new ArrayList<>();
        manifest.getAsJsonArray(key).forEach(e -> out.add(e.getAsInt()));
        return out;
    }

    /** Indices (into image order) of the images a subset-stored array holds. */
    public int[] subset(String name) {
        return manifest.getAsJsonObject("subsets").getAsJsonObject(name).getAsJsonArray("indices")
                .asList().stream().mapToInt(e -> e.getAsInt()).toArray();
    }

    /** LNAMD degrees r of the run. */
    public List<Integer> degrees() {
        return ints("r_list");
    }

    /** Tapped layers (0-based block indices) of the run. */
    public List<Integer> layers() {
        return ints("feature_layers");
    }

    public int imageSize() {
        return manifest.get("image_size").getAsInt();
    }

    /**
     * The (N, 1+L, C) tokens of every image per layer: the stored ones, or, for a run that stores the
     * tokens of a subset only (DINO v1), the run's backbone applied to its images; models'
     * BackboneParityTest holds those to the stored subset within 1e-4.
     */
    public List<NDArray> tokens(NDManager manager) {
        if (!manifest.getAsJsonObject("subsets").getAsJsonObject("tokens").get("mode").getAsString().equals("all")) {
            return backboneTokens(manager);
        }
        List<NDArray> out = new ArrayList<>();
        for (int l : layers()) {
            out.add(floats(manager, "tokens_layer" + l + ".npy"));
        }
        return out;
    }

    private List<NDArray> backboneTokens(NDManager manager) {
        Path data = RUNS.resolveSibling("data");
        int size = imageSize();
        try (Backbone backbone = Backbones.load(dir.resolve(manifest.get("model_dir").getAsString()).normalize(),
                BackboneOptions.on(ai.djl.Device.cpu()).build())) {
            List<String> order = Files.readAllLines(dir.resolve("image_order.txt")).stream()
                    .filter(l -> !l.isBlank()).toList();
            float[] input = new float[order.size() * 3 * size * size];
            for (int i = 0; i < order.size(); i++) {
                RgbImage image = ImageDecoder.javaImageIo().decode(data.resolve(order.get(i)));
                backbone.spec().preprocessing().toInput(image, size, input, i * 3 * size * size);
            }
            NDArray images = manager.create(input, new Shape(order.size(), 3, size, size));
            Features f = backbone.forward(images, layers().stream().mapToInt(Integer::intValue).toArray());
            images.close();
            return f.tokens();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Patch grid side of a square grid from the token count (1 + L). */
    public int grid() {
        long tokens = array("tokens_layer" + layers().get(0) + ".npy").shape()[1];
        return (int) Math.round(Math.sqrt(tokens - 1));
    }

    public static void report(String id, String stage, double err) {
        System.out.printf("parity %s %-22s max abs err %.3e%n", id, stage, err);
        assertTrue(err <= TOLERANCE, id + " " + stage + ": max abs error " + err + " > " + TOLERANCE);
    }

    public static double maxAbs(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "array lengths");
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
        }
        return err;
    }

    public static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    public static double[] flat(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }
}
