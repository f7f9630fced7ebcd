package io.musc4j.models.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The files a model folder must hold: {@code config.json} and the weights, either one
 * {@code model.safetensors} or a {@code model.safetensors.index.json} plus every shard it names.
 */
final class ModelFolder {

    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    static final String PICKLED_WEIGHTS = "pytorch_model.bin";
    static final String PREPROCESSOR = "preprocessor_config.json";

    private ModelFolder() {
    }

    /** The first required file {@code dir} lacks, or empty when the folder is complete. */
    static Optional<String> missingFile(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            return Optional.of(CONFIG);
        }
        if (Files.isRegularFile(dir.resolve(WEIGHTS))) {
            return Optional.empty();
        }
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            return Optional.of(WEIGHTS);
        }
        return shardNames(index).stream().filter(s -> !Files.isRegularFile(dir.resolve(s))).findFirst();
    }

    /** Checks a folder given as {@code --model DIR}; the exception names the folder and the missing file. */
    static Path requireComplete(Path dir) {
        Optional<String> missing = missingFile(dir);
        if (missing.isEmpty()) {
            return dir;
        }
        String hint = missing.get().equals(WEIGHTS) && Files.exists(dir.resolve(PICKLED_WEIGHTS))
                ? " (it has " + PICKLED_WEIGHTS + ", but " + safetensorsOnly() + ")"
                : "";
        throw new HubException("model folder " + dir + " lacks " + missing.get() + hint);
    }

    static String safetensorsOnly() {
        return "musc4j reads only safetensors and never unpickles " + PICKLED_WEIGHTS
                + ": fetch " + WEIGHTS + " instead";
    }

    /** The distinct shard file names of a safetensors index, sorted; names leaving the folder are refused. */
    static List<String> shardNames(Path index) {
        try (Reader r = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(r);
            JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
            if (map == null || !map.isJsonObject() || ((JsonObject) map).size() == 0) {
                throw new HubException(index + ": no \"weight_map\" object naming the shards");
            }
            TreeSet<String> shards = new TreeSet<>();
            for (Map.Entry<String, JsonElement> e : map.getAsJsonObject().entrySet()) {
                String shard = e.getValue().getAsString();
                if (shard.isEmpty() || shard.startsWith("/") || shard.contains("\\")
                        || List.of(shard.split("/")).contains("..")) {
                    throw new HubException(index + ": shard name \"" + shard + "\" for tensor "
                            + e.getKey() + " points outside the model folder");
                }
                shards.add(shard);
            }
            return List.copyOf(shards);
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new HubException(index + ": not a readable safetensors index (" + e.getMessage() + ")", e);
        }
    }
}
