package io.musc4j.serve;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * A station's hot folder: images dropped into {@code DIR} are inspected in the order they arrived
 * (modification time, then name), one at a time.
 *
 * <p>A file is taken once it is complete: either it appeared by a rename (a writer that writes
 * {@code .name.tmp}, {@code name.part} or any hidden name first and renames it is never seen half
 * written), or its size and modification time have not changed for {@value #SETTLE_MS} ms. Taking a
 * file moves it to {@code processing/} under a unique name; after the answer, the result JSON and the
 * heatmap go to {@code results/<sequence>_<name>.json|.heatmap.png} and the image to
 * {@code done/<sequence>_<name>} (WARMING_UP or NORMAL) or {@code rejected/<sequence>_<name>}
 * (ANOMALOUS); a file that is not a readable image goes to {@code failed/<name>} with
 * {@code <name>.error.txt}.
 *
 * <p>On start, files left in {@code processing/} are finished: if the station answered one before
 * the service stopped (the station's record names it), its results are written from that answer;
 * otherwise it is inspected now. Files still in {@code DIR} are then taken as new.
 */
final class HotFolder implements AutoCloseable {

    /** How long a file's size and time must stay unchanged before it is taken. */
    static final long SETTLE_MS = 1000;
    private static final long POLL_MS = 200;

    private final Station station;
    private final Path dir;
    private final Path processing;
    private final Thread thread;
    private final Map<Path, Seen> seen = new HashMap<>();
    private long taken;
    private volatile boolean stop;

    private record Seen(long size, long modified) {
    }

    private HotFolder(Station station, Path dir) {
        this.station = station;
        this.dir = dir;
        this.processing = dir.resolve("processing");
        this.thread = new Thread(this::run, "hot-folder-" + station.id());
        this.thread.setDaemon(true);
    }

    static HotFolder start(Station station, Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("station " + station.id() + ": hot folder " + dir + " is not a folder");
        }
        for (String sub : List.of("processing", "results", "done", "rejected", "failed")) {
            Files.createDirectories(dir.resolve(sub));
        }
        HotFolder folder = new HotFolder(station, dir);
        folder.thread.start();
        return folder;
    }

    private void run() {
        try {
            for (Path left : list(processing)) {
                if (stop) {
                    return;
                }
                Optional<PartResult> answered = station.answered(left.getFileName().toString());
                if (answered.isPresent()) {
                    finish(left, answered.get());
                } else {
                    inspect(left);
                }
            }
            while (!stop) {
                for (Path file : ready()) {
                    if (stop) {
                        return;
                    }
                    Path moved = processing.resolve(String.format("%013d-%04d__%s", System.currentTimeMillis(),
                            taken++ % 10000, file.getFileName()));
                    Files.move(file, moved, StandardCopyOption.ATOMIC_MOVE);
                    inspect(moved);
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            System.err.println("musc serve: station " + station.id() + ": hot folder " + dir + " stopped: "
                    + e.getMessage());
        }
    }

    /** Files of DIR that are complete, in arrival order. */
    private List<Path> ready() throws IOException {
        long now = System.currentTimeMillis();
        List<Path> files = new ArrayList<>();
        Map<Path, Long> times = new HashMap<>();
        Map<Path, Seen> current = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path f : entries) {
                String name = f.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (name.startsWith(".") || lower.endsWith(".tmp") || lower.endsWith(".part")
                        || lower.endsWith(".partial") || lower.endsWith(".crdownload")) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(f, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                Seen state = new Seen(a.size(), a.lastModifiedTime().toMillis());
                current.put(f, state);
                if (state.equals(seen.get(f)) && now - state.modified() >= SETTLE_MS) {
                    files.add(f);
                    times.put(f, state.modified());
                }
            }
        }
        seen.clear();
        seen.putAll(current);
        files.sort(Comparator.comparing((Path f) -> times.get(f)).thenComparing(f -> f.getFileName().toString()));
        return files;
    }

    private void inspect(Path file) throws IOException, InterruptedException {
        String token = file.getFileName().toString();
        while (true) {
            try {
                PartResult result = station.submit(new Input(file, token)).get();
                finish(file, result);
                return;
            } catch (Station.Busy e) {
                if (stop) {
                    return;
                }
                Thread.sleep(POLL_MS);
            } catch (ExecutionException e) {
                String why = e.getCause() instanceof Station.BadImage bad ? bad.getMessage()
                        : "station " + station.id() + ": " + e.getCause();
                fail(file, why);
                return;
            }
        }
    }

    /** The original name of a file in processing/. */
    private static String original(Path file) {
        String name = file.getFileName().toString();
        int at = name.indexOf("__");
        return at < 0 ? name : name.substring(at + 2);
    }

    private void finish(Path file, PartResult result) throws IOException {
        String name = String.format("%d_%s", result.sequence(), original(file));
        Path results = dir.resolve("results");
        Optional<byte[]> heatmap = station.heatmap(result.sequence());
        if (heatmap.isPresent()) {
            AtomicFiles.write(results.resolve(stem(name) + ".heatmap.png"), heatmap.get());
        }
        AtomicFiles.writeString(results.resolve(stem(name) + ".json"), Json.PRETTY.toJson(result) + "\n");
        Path to = dir.resolve(result.verdict().equals("ANOMALOUS") ? "rejected" : "done").resolve(name);
        Files.move(file, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private void fail(Path file, String why) throws IOException {
        String name = original(file);
        Path failed = dir.resolve("failed");
        Path to = failed.resolve(name);
        for (int n = 1; Files.exists(to); n++) {
            to = failed.resolve(stem(name) + "-" + n + extension(name));
        }
        AtomicFiles.writeString(failed.resolve(to.getFileName() + ".error.txt"),
                why.replace(file.toString(), to.toString()) + "\n");
        Files.move(file, to);
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Stops taking files once the current one is answered. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A hot folder file as a station's input. */
    private record Input(Path file, String source) implements Station.Input {
        @Override
        public RgbImage decode(ImageDecoder decoder) throws IOException {
            return decoder.decode(file);
        }
    }
}
