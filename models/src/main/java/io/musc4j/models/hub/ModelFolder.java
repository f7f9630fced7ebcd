package io.musc4j.models.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.musc4j.models.layout.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Whether a model folder is complete: it holds one of the file sets of {@link ModelFiles#PREFERENCE}
 * (a configuration and its weights: one safetensors file, a safetensors index plus every shard it names,
 * or a PyTorch checkpoint), in the transformers, timm or open_clip layout.
 */
final class ModelFolder {

    static final String PREPROCESSOR = "preprocessor_config.json";

    private ModelFolder() {
    }

    /** The first file the folder lacks to be complete, or empty when it is complete. */
    static Optional<String> missingFile(Path dir) {
        for (ModelFiles.Choice c : ModelFiles.PREFERENCE) {
            if (Files.isRegularFile(dir.resolve(c.config())) && Files.isRegularFile(dir.resolve(c.weights()))) {
                if (!c.sharded()) {
                    return Optional.empty();
                }
                Optional<String> shard = shardNames(dir.resolve(c.weights())).stream()
                        .filter(s -> !Files.isRegularFile(dir.resolve(s))).findFirst();
                if (shard.isEmpty()) {
                    return Optional.empty();
                }
                return shard;
            }
        }
        if (Files.isRegularFile(dir.resolve(ModelFiles.CONFIG))) {
            return Optional.of(ModelFiles.SAFETENSORS);
        }
        if (Files.isRegularFile(dir.resolve(ModelFiles.OPEN_CLIP_CONFIG))) {
            return Optional.of(ModelFiles.OPEN_CLIP_SAFETENSORS);
        }
        return Optional.of(ModelFiles.CONFIG);
    }

    /** Checks a folder given as {@code --model DIR}; the exception names the folder and the missing file. */
    static Path requireComplete(Path dir) {
        Optional<String> missing = missingFile(dir);
        if (missing.isEmpty()) {
            return dir;
        }
        throw new HubException("model folder " + dir + " lacks " + missing.get() + " (it needs "
                + ModelFiles.expected() + ")");
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
