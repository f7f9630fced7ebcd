package io.musc4j.models.layout;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.musc4j.models.io.WeightFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A JSON object read from a model's configuration file, with getters whose failures are one-line
 * errors naming the file and the key.
 */
public final class ConfigJson {

    private final Path file;
    private final JsonObject object;

    private ConfigJson(Path file, JsonObject object) {
        this.file = file;
        this.object = object;
    }

    /** Parses {@code file}, which must hold a JSON object. */
    public static ConfigJson read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new WeightFileException(file + ": " + file.getFileName() + " is missing");
        }
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject()) {
                throw new WeightFileException(file + ": not a JSON object");
            }
            return new ConfigJson(file, root.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new WeightFileException(file + ": not valid JSON");
        }
    }

    /** The file this object came from (for messages). */
    public Path file() {
        return file;
    }

    public boolean has(String key) {
        JsonElement e = object.get(key);
        return e != null && !e.isJsonNull();
    }

    /** A nested object; its errors still name this file. */
    public ConfigJson object(String key) throws WeightFileException {
        JsonElement e = object.get(key);
        if (e == null || !e.isJsonObject()) {
            throw fail("key '" + key + "' is missing or not an object");
        }
        return new ConfigJson(file, e.getAsJsonObject());
    }

    /** A nested object, or an empty one when the key is absent or null. */
    public ConfigJson objectOrEmpty(String key) throws WeightFileException {
        return has(key) ? object(key) : new ConfigJson(file, new JsonObject());
    }

    public String string(String key) throws WeightFileException {
        JsonElement e = object.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw fail("key '" + key + "' is missing or not a string");
        }
        return e.getAsString();
    }

    public Optional<String> optionalString(String key) throws WeightFileException {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    /** A whole number; a fractional or missing value is an error. */
    public int integer(String key) throws WeightFileException {
        double v = number(key);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw fail("key '" + key + "' is " + v + ", not a whole number");
        }
        return (int) v;
    }

    public int integer(String key, int dflt) throws WeightFileException {
        return has(key) ? integer(key) : dflt;
    }

    public double number(String key) throws WeightFileException {
        JsonElement e = object.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw fail("key '" + key + "' is missing or not a number");
        }
        return e.getAsDouble();
    }

    public double number(String key, double dflt) throws WeightFileException {
        return has(key) ? number(key) : dflt;
    }

    public boolean bool(String key, boolean dflt) throws WeightFileException {
        if (!has(key)) {
            return dflt;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw fail("key '" + key + "' is not true or false");
        }
        return e.getAsBoolean();
    }

    /** A square image size given as a number or as a pair [h, w] (or timm's [3, h, w]). */
    public int squareSize(String key) throws WeightFileException {
        JsonElement e = object.get(key);
        if (e != null && e.isJsonArray() && e.getAsJsonArray().size() >= 2) {
            int n = e.getAsJsonArray().size();
            int h = e.getAsJsonArray().get(n - 2).getAsInt();
            int w = e.getAsJsonArray().get(n - 1).getAsInt();
            if (h != w) {
                throw fail("key '" + key + "' is " + e + "; only square inputs are supported");
            }
            return h;
        }
        return integer(key);
    }

    /** The raw element, for keys whose type varies. */
    public JsonElement raw(String key) {
        return object.get(key);
    }

    /** The keys of this object. */
    public java.util.Set<String> keys() {
        return object.keySet();
    }

    /** A one-line error about this file. */
    public WeightFileException fail(String problem) {
        return new WeightFileException(file + ": " + problem);
    }
}
