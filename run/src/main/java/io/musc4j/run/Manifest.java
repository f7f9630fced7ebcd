package io.musc4j.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The list of what musc4j wrote into an output folder, kept in the folder itself: paths relative to it
 * with '/' separators, a category folder as {@code name/} and each file under it as {@code name/...}.
 * An {@link OutputFolder} deletes or replaces nothing that is not listed here.
 */
final class Manifest {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final String NOTE = "what musc4j wrote in this folder; it deletes or replaces nothing else here";

    private final Path file;
    private final Set<String> written;

    private Manifest(Path file, Set<String> written) {
        this.file = file;
        this.written = written;
    }

    /**
     * The manifest in {@code file}; empty when there is none yet.
     *
     * @throws IOException when it exists but cannot be read as one (then nothing counts as musc4j's)
     */
    static Manifest read(Path file) throws IOException {
        Set<String> written = new TreeSet<>();
        if (Files.exists(file)) {
            try {
                JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                o.getAsJsonArray("written").forEach(e -> written.add(e.getAsString()));
            } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
                throw new IOException(file.getFileName() + " is damaged (" + e.getMessage()
                        + "); move it away, and the folder counts as one musc4j did not write");
            }
        }
        return new Manifest(file, written);
    }

    boolean contains(String path) {
        return written.contains(path);
    }

    /** The category folders listed ({@code name/}). */
    java.util.List<String> folders() {
        return written.stream().filter(p -> p.endsWith("/")).toList();
    }

    void add(String path) {
        written.add(path);
    }

    void remove(String path) {
        written.remove(path);
    }

    /** Keeps, of the entries under {@code folder} ({@code name/}), only the folder and {@code files}. */
    void keepOnly(String folder, Collection<String> files) {
        Set<String> keep = Set.copyOf(files);
        written.removeIf(p -> p.startsWith(folder) && !p.equals(folder) && !keep.contains(p));
    }

    void write() throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("note", NOTE);
        JsonArray list = new JsonArray();
        written.forEach(list::add);
        o.add("written", list);
        AtomicFiles.writeString(file, GSON.toJson(o) + "\n");
    }
}
