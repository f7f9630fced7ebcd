package io.musc4j.engine.inspect;

import io.musc4j.common.io.AtomicFiles;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
 *
 * <p>A {@link TiledInspector} keeps one such state per bank: the part files in a folder of the bank's
 * own, the state bytes ({@link #write}) inside its one state file, written once every bank's new part
 * files are ({@link #settle} then deletes what no state names any more).
 */
final class InspectorState {

    static final String STATE = "inspector.state";
    private static final byte[] MAGIC = "musc4j inspector state\n".getBytes(StandardCharsets.US_ASCII);
    /** 2: a bank per layer (maps and their norms) beside the per-pass product form. */
    private static final int VERSION = 2;

    /** What the inspector is besides its bank. */
    record Snapshot(long inspected, boolean warm, double[] referenceScores) {
    }

    /**
     * A save whose part files are written: {@code state}, the bytes of {@value #STATE} that name them, is
     * to be written by the caller, then {@link #settle}d.
     *
     * @param folder the folder of the state's part files (absolute)
     * @param named the part files the state names
     */
    record Written(Path folder, byte[] state, Set<String> named) {
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

    /** The configuration a state of this inspector is saved under. */
    String configuration() {
        return configuration;
    }

    /** Writes the inspector's state into {@code dir} (see the class comment for the order that keeps it whole). */
    void save(Path dir, Snapshot snapshot, FeatureBank bank) throws IOException {
        Written written = write(dir, snapshot, bank);
        AtomicFiles.write(written.folder().resolve(STATE), written.state());
        settle(written);
    }

    /** Writes the part files admitted since the last save into {@code dir}; the state naming them is not written. */
    Written write(Path dir, Snapshot snapshot, FeatureBank bank) throws IOException {
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
                crc = StateFiles.crc(bytes, 0, bytes.length);
                parts.put(name, crc);
            }
            crcs[slot] = crc;
        }
        return new Written(target, encode(snapshot, layout, crcs), Set.copyOf(named));
    }

    /** Once the state of {@code written} is on disk: deletes the part files it no longer names, and temporary
     *  files of an interrupted save. */
    void settle(Written written) throws IOException {
        parts.keySet().retainAll(written.named());
        try (Stream<Path> files = Files.list(written.folder().resolve("bank"))) {
            for (Path f : files.filter(f -> !written.named().contains(f.getFileName().toString())).toList()) {
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
        return restore(stateFile.toString(), Files.readAllBytes(stateFile), target, bank);
    }

    /**
     * Reads state bytes {@link #write} gave, whose part files are in {@code dir}, into {@code bank} (empty)
     * and adopts the state's lineage.
     *
     * @param where how messages name the bytes
     */
    Snapshot restore(String where, byte[] bytes, Path dir, FeatureBank bank) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        try (DataInputStream in = StateFiles.open(where, bytes, MAGIC, VERSION, configuration, "an inspector state")) {
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
                    if (part.length != length || StateFiles.crc(part, 0, part.length) != crcs[slot]) {
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
            throw new IOException(where + ": truncated");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private byte[] encode(Snapshot snapshot, FeatureBank.Layout layout, long[] crcs) throws IOException {
        return StateFiles.seal(MAGIC, VERSION, configuration, out -> {
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
        });
    }

    private String partName(long admission) {
        return String.format("%016x-%d.part", lineage, admission);
    }
}
