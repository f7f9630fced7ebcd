package io.musc4j.spark;

import io.musc4j.run.Manifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The run's output folder on any Hadoop file system, kept by the rules of {@code musc run}'s: its
 * {@link Manifest} lists what musc4j wrote there (the same file, read and written here through
 * {@link Storage}), {@link #open} refuses a category folder or run file that musc4j did not write unless
 * {@code --overwrite} is given, and a category is listed in the manifest before it is moved into place
 * ({@link #commit}). Only the driver holds one, so the manifest has one writer.
 */
final class OutputLocation {

    private final Storage storage;
    private final org.apache.hadoop.fs.Path out;
    private final Manifest manifest;

    private OutputLocation(Storage storage, org.apache.hadoop.fs.Path out, Manifest manifest) {
        this.storage = storage;
        this.out = out;
        this.manifest = manifest;
    }

    /**
     * Reads the manifest of {@code out} and checks that each of {@code categories} and the run files is
     * free or musc4j's own; writes nothing.
     *
     * @param overwrite whether a name this run writes may replace what someone else put there
     * @throws IllegalArgumentException with one line naming {@code out} and the reason
     */
    static OutputLocation open(Storage storage, org.apache.hadoop.fs.Path out, Collection<String> categories,
            boolean overwrite) {
        try {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(out, Manifest.FILE);
            Manifest manifest = storage.exists(file)
                    ? Manifest.parse(new String(storage.read(file), StandardCharsets.UTF_8)) : Manifest.empty();
            OutputLocation location = new OutputLocation(storage, out, manifest);
            if (!overwrite) {
                Optional<String> refusal = manifest.refusal(location.contents(), categories);
                if (refusal.isPresent()) {
                    throw new IllegalArgumentException(out + ": " + refusal.get());
                }
            }
            return location;
        } catch (IOException e) {
            throw new IllegalArgumentException(out + ": cannot read the folder (" + e.getMessage() + ")", e);
        }
    }

    /** Removes an earlier run's run files, so that they never sit beside results of another run. */
    void clearRunFiles() throws IOException {
        for (String f : Manifest.RUN_FILES) {
            storage.delete(new org.apache.hadoop.fs.Path(out, f));
            manifest.remove(f);
        }
        write();
    }

    /** Lists the run files this run wrote. */
    void recordRunFiles() throws IOException {
        for (String f : Manifest.RUN_FILES) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out, f);
            if (storage.exists(p) && storage.fs(p).getFileStatus(p).isFile()) {
                manifest.add(f);
            }
        }
        write();
    }

    /** Uploads the local folder of category {@code name} and {@link #commit}s it. */
    void publish(String name, Path folder) throws IOException {
        commit(name, storage.upload(folder, target(name)), files(folder, name));
    }

    /**
     * Moves category {@code name}'s folder, {@link Storage#upload uploaded} as {@code staged} with
     * {@code files} ({@code name/relative/path}), into place, replacing its earlier results as a whole
     * (which {@link #open} found to be musc4j's own, or was told to {@code --overwrite}). Listed before the
     * move, so that an interruption at any point leaves nothing musc4j wrote unlisted.
     */
    void commit(String name, org.apache.hadoop.fs.Path staged, List<String> files) throws IOException {
        try {
            manifest.add(name + "/");
            files.forEach(manifest::add);
            write();
        } catch (IOException | RuntimeException e) {
            storage.delete(staged);
            throw e;
        }
        storage.replace(staged, target(name));
        manifest.keepOnly(name + "/", files);
        write();
    }

    org.apache.hadoop.fs.Path target(String name) {
        return new org.apache.hadoop.fs.Path(out, name);
    }

    /** The files under the local {@code folder}, as {@code name/relative/path}, as the manifest lists them. */
    static List<String> files(Path folder, String name) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> !Files.isDirectory(p))
                    .map(p -> name + "/" + folder.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private void write() throws IOException {
        byte[] text = manifest.toJson().getBytes(StandardCharsets.UTF_8);
        storage.write(new org.apache.hadoop.fs.Path(out, Manifest.FILE), o -> o.write(text));
    }

    /** The output folder as {@link Manifest#refusal} sees it, through the Hadoop file system. */
    private Manifest.Contents contents() {
        return new Manifest.Contents() {
            @Override
            public Manifest.Kind kind(String path) throws IOException {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out, path);
                FileStatus s;
                try {
                    s = storage.fs(p).getFileLinkStatus(p);
                } catch (FileNotFoundException e) {
                    return Manifest.Kind.ABSENT;
                } catch (UnsupportedOperationException e) {
                    s = storage.fs(p).exists(p) ? storage.fs(p).getFileStatus(p) : null;
                }
                return s == null ? Manifest.Kind.ABSENT : s.isSymlink() ? Manifest.Kind.OTHER
                        : s.isDirectory() ? Manifest.Kind.FOLDER : s.isFile() ? Manifest.Kind.FILE : Manifest.Kind.OTHER;
            }

            @Override
            public List<String> files(String name) throws IOException {
                org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(out, name);
                FileSystem fs = storage.fs(folder);
                String root = fs.getFileStatus(folder).getPath().toUri().getPath();
                List<String> files = new ArrayList<>();
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(folder, true);
                while (it.hasNext()) {
                    String p = it.next().getPath().toUri().getPath();
                    files.add(name + p.substring(root.length()));
                }
                return files.stream().sorted().toList();
            }
        };
    }
}
