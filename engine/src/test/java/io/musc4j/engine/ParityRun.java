package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.models.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One reference run of the parity fixtures: its manifest and arrays. */
public record ParityRun(Path dir, JsonObject manifest) {

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

    public int imageSize() {
        return manifest.get("image_size").getAsInt();
    }

    public List<NDArray> tokens(NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (int l : ints("feature_layers")) {
            out.add(floats(manager, "tokens_layer" + l + ".npy"));
        }
        return out;
    }

    /** Patch grid side of a square grid from the token count (1 + L). */
    public int grid() {
        long tokens = array("tokens_layer" + ints("feature_layers").get(0) + ".npy").shape()[1];
        return (int) Math.round(Math.sqrt(tokens - 1));
    }
}
