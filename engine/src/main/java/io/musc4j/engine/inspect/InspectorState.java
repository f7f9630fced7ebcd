package io.musc4j.engine.inspect;

import io.musc4j.common.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An {@link Inspector}'s state on disk, in a folder of its own:
 *
 * <ul>
 *   <li>{@value #STATE}: the configuration the state belongs to (model, backbone, every scoring and
 *       inspector option), the parts inspected, whether warm-up is over, the threshold's reference
 *       window, which part is in which bank slot and the checksum of each part's file; its own
 *       checksum last.</li>
 *   <li>{@code bank/<lineage>-<admission>.part}: one admitted part's rows of every array of the bank
 *       ({@link FeatureBank}), the bytes as they are, so a restored bank is bit for bit the saved one.</li>
 * </ul>
 *
 * <p>A part's file never changes once written: a later save writes only the parts admitted since
 * (one file after each part), then replaces {@value #STATE} atomically, then deletes the part files it
 * no longer names. A save interrupted at any point therefore leaves the previous state whole, and the
 * state on disk is always one the inspector was in after a whole call. The lineage (a random number
 * an inspector draws when it is built and keeps through save and restore) keeps two inspectors saving
 * into the same folder from mistaking each other's part files for their own.
 */
final class InspectorState {

    static final String STATE = "inspector.state";
    private static final byte[] MAGIC = "musc4j inspector state\n".getBytes(StandardCharsets.US_ASCII);
    /** 2: a bank per layer (maps and their norms) beside the per-pass product form. */
    private static final int VERSION = 2;

    /** What the inspector is besides its bank. */
    record Snapshot(long inspected, boolean warm, double[] referenceScores) {
    }

    private final String configuration;
    private long lineage;
    /** The folder this inspector last saved to or restored from, and the part files known to be there, by CRC. */
    private Path folder;
    private final Map<String, Long> parts = new HashMap<>();

    /**
     * @param configuration what a state must have been saved under to be restored: one {@code key=value}
     *     per line
     */
    InspectorState(String configuration) {
        this.configuration = configuration;
        this.lineage = new SecureRandom().nextLong() & Long.MAX_VALUE;
    }

    /** Writes the inspector's state into {@code dir} (see the class comment for the order that keeps it whole). */
    void save(Path dir, Snapshot snapshot, FeatureBank bank) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (!target.equals(folder)) {
            folder = target;
            parts.clear();
        }
        FeatureBank.Layout layout = bank.layout();
        long[] crcs = new long[layout.size()];
        Set<String> named = new HashSet<>();
        for (int slot = 0; slot < layout.size(); slot++) {
            String name = partName(layout.admissions()[slot]);
            named.add(name);
            Long crc = parts.get(name);
            if (crc == null) {
                byte[] bytes = bank.slotBytes(slot);
                AtomicFiles.write(target.resolve("bank").resolve(name), bytes);
                crc = crc(bytes, 0, bytes.length);
                parts.put(name, crc);
            }
            crcs[slot] = crc;
        }
        AtomicFiles.write(target.resolve(STATE), encode(snapshot, layout, crcs));
        parts.keySet().retainAll(named);
        // what the new state no longer names, and temporary files of an interrupted save
        try (Stream<Path> files = Files.list(target.resolve("bank"))) {
            for (Path f : files.filter(f -> !named.contains(f.getFileName().toString())).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException e) {
            // an empty bank has no folder
        }
    }

    /**
     * Reads a state saved by {@link #save} into {@code bank} (empty) and adopts its lineage.
     *
     * @throws IOException with one line naming the file and the problem: missing, damaged (checksum),
     *     or saved under another configuration (the first setting that differs)
     */
    Snapshot restore(Path dir, FeatureBank bank) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path stateFile = target.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException(stateFile + ": no inspector state here");
        }
        byte[] bytes = Files.readAllBytes(stateFile);
        int body = bytes.length - Long.BYTES;
        if (body < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(stateFile + ": not an inspector state");
        }
        long stored = new DataInputStream(new ByteArrayInputStream(bytes, body, Long.BYTES)).readLong();
        if (stored != crc(bytes, 0, body)) {
            throw new IOException(stateFile + ": damaged (checksum mismatch)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, body - MAGIC.length))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(stateFile + ": state format " + version + ", this version reads " + VERSION);
            }
            String saved = in.readUTF();
            if (!saved.equals(configuration)) {
                throw new IOException(stateFile + ": saved under another configuration (" + firstDifference(saved)
                        + "); refusing to restore it");
            }
            long savedLineage = in.readLong();
            long inspected = in.readLong();
            boolean warm = in.readBoolean();
            double[] references = new double[in.readInt()];
            for (int i = 0; i < references.length; i++) {
                references[i] = in.readDouble();
            }
            int size = in.readInt();
            int next = in.readInt();
            long admitted = in.readLong();
            long[] admissions = new long[size];
            long[] crcs = new long[size];
            for (int i = 0; i < size; i++) {
                admissions[i] = in.readLong();
                crcs[i] = in.readLong();
            }
            long[][] shapes = new long[in.readInt()][];
            for (int p = 0; p < shapes.length; p++) {
                shapes[p] = new long[] {in.readLong(), in.readLong()};
            }
            FeatureBank.Layout layout = new FeatureBank.Layout(size, next, admitted, admissions, shapes);
            lineage = savedLineage;
            long length = bank.slotLength(shapes);
            Map<String, Long> read = new HashMap<>();
            bank.restore(layout, slot -> {
                String name = partName(admissions[slot]);
                Path file = target.resolve("bank").resolve(name);
                try {
                    byte[] part = Files.readAllBytes(file);
                    if (part.length != length || crc(part, 0, part.length) != crcs[slot]) {
                        throw new IOException(file + ": damaged (" + (part.length != length
                                ? part.length + " bytes, expected " + length : "checksum mismatch") + ")");
                    }
                    read.put(name, crcs[slot]);
                    return part;
                } catch (NoSuchFileException e) {
                    throw new UncheckedIOException(new IOException(file + ": missing (the state names it)"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            folder = target;
            parts.clear();
            parts.putAll(read);
            return new Snapshot(inspected, warm, references);
        } catch (EOFException e) {
            throw new IOException(stateFile + ": truncated");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private byte[] encode(Snapshot snapshot, FeatureBank.Layout layout, long[] crcs) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(configuration);
        out.writeLong(lineage);
        out.writeLong(snapshot.inspected());
        out.writeBoolean(snapshot.warm());
        out.writeInt(snapshot.referenceScores().length);
        for (double s : snapshot.referenceScores()) {
            out.writeDouble(s);
        }
        out.writeInt(layout.size());
        out.writeInt(layout.next());
        out.writeLong(layout.admitted());
        for (int i = 0; i < layout.size(); i++) {
            out.writeLong(layout.admissions()[i]);
            out.writeLong(crcs[i]);
        }
        out.writeInt(layout.shapes().length);
        for (long[] shape : layout.shapes()) {
            out.writeLong(shape[0]);
            out.writeLong(shape[1]);
        }
        out.flush();
        byte[] body = buffer.toByteArray();
        out.writeLong(crc(body, 0, body.length));
        out.flush();
        return buffer.toByteArray();
    }

    private String partName(long admission) {
        return String.format("%016x-%d.part", lineage, admission);
    }

    /** The first setting whose value differs, as "key: saved X, now Y". */
    private String firstDifference(String saved) {
        Map<String, String> then = settings(saved);
        Map<String, String> now = settings(configuration);
        for (String key : now.keySet()) {
            if (!now.get(key).equals(then.get(key))) {
                return key + ": saved " + then.getOrDefault(key, "(not set)") + ", now " + now.get(key);
            }
        }
        return "settings " + then.keySet() + " saved, " + now.keySet() + " now";
    }

    private static Map<String, String> settings(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : List.of(text.split("\n"))) {
            int eq = line.indexOf('=');
            out.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        return out;
    }

    private static long crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return crc.getValue();
    }
}
