package io.musc4j.serve;

import com.google.gson.JsonParseException;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a station shows besides its inspector: the parts by verdict and the last parts' answers
 * ({@value #FILE}), and the last parts' heatmaps ({@code heatmaps/<sequence>.png}), in the station's
 * state folder.
 *
 * <p>A part's entry is written before the inspector's state, so after a crash the record may hold
 * one part more than the inspector admitted (never less); {@link #load} drops such a part, so the
 * counts are exactly those of the admitted parts.
 */
final class StationRecord {

    static final String FILE = "station.json";
    /** Answers kept: the live page's score trend. */
    static final int RECENT = 200;
    /** Heatmaps kept on disk. */
    static final int HEATMAPS = 50;

    private final Path folder;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final ArrayDeque<PartResult> recent = new ArrayDeque<>();

    /** The file's form. */
    private record Saved(Map<String, Long> counts, List<PartResult> recent) {
    }

    private StationRecord(Path folder) {
        this.folder = folder;
        for (String v : List.of("NORMAL", "ANOMALOUS", "WARMING_UP")) {
            counts.put(v, 0L);
        }
    }

    /**
     * The record in {@code folder}, with the parts after the {@code admitted}-th dropped (a part
     * recorded but not admitted when the service stopped).
     *
     * @throws IOException one line naming the file, if it exists and cannot be read
     */
    static StationRecord load(Path folder, long admitted) throws IOException {
        StationRecord r = new StationRecord(folder);
        Path file = folder.resolve(FILE);
        Saved saved;
        try {
            saved = Json.GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Saved.class);
        } catch (NoSuchFileException e) {
            return r;
        } catch (JsonParseException e) {
            throw new IOException(file + ": not a station record (" + e.getMessage() + ")");
        }
        if (saved == null || saved.counts() == null || saved.recent() == null) {
            throw new IOException(file + ": not a station record");
        }
        r.counts.putAll(saved.counts());
        for (PartResult p : saved.recent()) {
            if (p.sequence() <= admitted) {
                r.recent.addLast(p);
            } else {
                r.counts.merge(p.verdict(), -1L, Long::sum);
            }
        }
        return r;
    }

    /** Records an answer: its heatmap first (if any), then the record. */
    synchronized void add(PartResult part, byte[] heatmapPng) throws IOException {
        if (heatmapPng != null) {
            AtomicFiles.write(heatmapFile(part.sequence()), heatmapPng);
        }
        counts.merge(part.verdict(), 1L, Long::sum);
        recent.addLast(part);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        AtomicFiles.writeString(folder.resolve(FILE), Json.GSON.toJson(new Saved(counts, List.copyOf(recent))));
        Files.deleteIfExists(heatmapFile(part.sequence() - HEATMAPS));
    }

    /** The heatmap PNG of a recent part, or empty. */
    Optional<byte[]> heatmap(long sequence) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(heatmapFile(sequence)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path heatmapFile(long sequence) {
        return folder.resolve("heatmaps").resolve(sequence + ".png");
    }

    /** Parts by verdict. */
    synchronized Map<String, Long> counts() {
        return new LinkedHashMap<>(counts);
    }

    /** The last {@code n} answers, oldest first. */
    synchronized List<PartResult> recent(int n) {
        List<PartResult> all = new ArrayList<>(recent);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** The recorded answer for a hot folder file, if it is still among the recent ones. */
    synchronized Optional<PartResult> bySource(String source) {
        return recent.stream().filter(p -> source.equals(p.source())).reduce((a, b) -> b);
    }
}
