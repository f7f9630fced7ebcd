package io.musc4j.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The list of what musc4j wrote into an output folder, kept in the folder itself ({@value #FILE}): paths
 * relative to it with '/' separators, a category folder as {@code name/} and each file under it as
 * {@code name/...}. Nothing that is not listed here is deleted or replaced, by {@code musc run}'s
 * {@link OutputFolder} or by the Spark runner; both read and write it as text here, each through its own
 * file system, so that either accepts a folder the other wrote.
 */
public final class Manifest {

    /** The manifest's name in the output folder. */
    public static final String FILE = ".musc4j-manifest";

    /** The files that describe a whole run; only a finished run writes them. */
    public static final List<String> RUN_FILES = List.of("run.json", "report.html", "metrics.json", "metrics.md");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final String NOTE = "what musc4j wrote in this folder; it deletes or replaces nothing else here";

    private final Set<String> written;

    private Manifest(Set<String> written) {
        this.written = written;
    }

    /** What a path in the output folder is, a link not followed. */
    public enum Kind { ABSENT, FILE, FOLDER, OTHER }

    /** The output folder as the ownership check sees it, on whatever file system it lies. */
    public interface Contents {
        /** What is at {@code path}, relative to the folder. */
        Kind kind(String path) throws IOException;

        /** The files and links under the folder {@code name}, as {@code name/relative/path}. */
        List<String> files(String name) throws IOException;
    }

    /** The manifest of a folder that has none yet. */
    public static Manifest empty() {
        return new Manifest(new TreeSet<>());
    }

    /**
     * The manifest in {@code text}, the content of a {@value #FILE} file.
     *
     * @throws IOException when it cannot be read as one (then nothing counts as musc4j's)
     */
    public static Manifest parse(String text) throws IOException {
        Set<String> written = new TreeSet<>();
        try {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            o.getAsJsonArray("written").forEach(e -> written.add(e.getAsString()));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IOException(FILE + " is damaged (" + e.getMessage()
                    + "); move it away, and the folder counts as one musc4j did not write");
        }
        return new Manifest(written);
    }

    /** The manifest as the text of a {@value #FILE} file. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("note", NOTE);
        JsonArray list = new JsonArray();
        written.forEach(list::add);
        o.add("written", list);
        return GSON.toJson(o) + "\n";
    }

    public boolean contains(String path) {
        return written.contains(path);
    }

    /** The category folders listed ({@code name/}). */
    public List<String> folders() {
        return written.stream().filter(p -> p.endsWith("/")).toList();
    }

    public void add(String path) {
        written.add(path);
    }

    public void remove(String path) {
        written.remove(path);
    }

    /** Keeps, of the entries under {@code folder} ({@code name/}), only the folder and {@code files}. */
    public void keepOnly(String folder, Collection<String> files) {
        Set<String> keep = Set.copyOf(files);
        written.removeIf(p -> p.startsWith(folder) && !p.equals(folder) && !keep.contains(p));
    }

    /**
     * Why a run that writes {@code categories} and the {@link #RUN_FILES} into {@code out} must not start
     * without {@code --overwrite}: the first of those names that holds something musc4j did not write (a
     * category folder or run file not listed, or a file added inside a category folder since), in words
     * that say what to do; empty when every name is free or musc4j's own.
     */
    public Optional<String> refusal(Contents out, Collection<String> categories) throws IOException {
        for (String f : RUN_FILES) {
            Kind kind = out.kind(f);
            if (kind != Kind.ABSENT && !(contains(f) && kind == Kind.FILE)) {
                return Optional.of(notOurs(f + " is not a file musc4j wrote here"));
            }
        }
        for (String name : categories) {
            Kind kind = out.kind(name);
            if (kind == Kind.ABSENT) {
                continue;
            }
            if (!contains(name + "/") || kind != Kind.FOLDER) {
                return Optional.of(notOurs(name + " is not a folder musc4j wrote here"));
            }
            for (String file : out.files(name)) {
                if (!contains(file) && !AtomicFiles.isTemporary(file.substring(file.lastIndexOf('/') + 1))) {
                    return Optional.of(notOurs(name + " holds " + file.substring(name.length() + 1)
                            + ", which musc4j did not write"));
                }
            }
        }
        return Optional.empty();
    }

    private static String notOurs(String what) {
        return what + "; it is left as it is. Choose another --out, move it away, or pass --overwrite to replace it";
    }
}
