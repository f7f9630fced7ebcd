package io.musc4j.engine.inspect;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TiledInspector}'s state on disk, in a folder of its own:
 *
 * <ul>
 *   <li>{@value #STATE}: the configuration the state belongs to (the tiling, then the model, backbone,
 *       every scoring and inspector option, the bank and warm-up in parts), the first part's size (which
 *       gives the grid; 0×0 before any part), and each bank's {@link InspectorState} bytes (one per grid
 *       position, or the one pooled bank); its own checksum last.</li>
 *   <li>{@code <bank>/bank/*.part}: each bank's part files, in a folder per bank ({@code position-<p>},
 *       or {@code all}).</li>
 * </ul>
 *
 * <p>A save writes every bank's new part files first, then replaces {@value #STATE} atomically, then
 * deletes the part files no bank names any more: a save interrupted at any point leaves the previous
 * state whole, every bank as it was after the same part.
 */
final class TiledInspectorState {

    static final String STATE = "tiled-inspector.state";
    private static final byte[] MAGIC = "musc4j tiled inspector state\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /**
     * A state read back.
     *
     * @param file the state file, for messages
     * @param width the first part's width; 0 before any part
     * @param height the first part's height
     * @param banks each bank's state bytes, in bank order
     */
    record Saved(Path file, int width, int height, List<byte[]> banks) {
    }

    private final String configuration;

    /** @param configuration what a state must have been saved under, one {@code key=value} a line */
    TiledInspectorState(String configuration) {
        this.configuration = configuration;
    }

    /** The bytes of {@value #STATE}. */
    byte[] encode(int width, int height, List<byte[]> banks) throws IOException {
        return StateFiles.seal(MAGIC, VERSION, configuration, out -> {
            out.writeInt(width);
            out.writeInt(height);
            out.writeInt(banks.size());
            for (byte[] bank : banks) {
                out.writeInt(bank.length);
                out.write(bank);
            }
        });
    }

    /**
     * Reads the state in {@code folder}.
     *
     * @throws IOException with one line naming the file and the problem: missing, damaged, or saved
     *     under another tiling, model or configuration (the first setting that differs)
     */
    Saved read(Path folder) throws IOException {
        Path file = folder.toAbsolutePath().normalize().resolve(STATE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no tiled inspector state here");
        }
        try (DataInputStream in = StateFiles.open(file.toString(), Files.readAllBytes(file), MAGIC, VERSION,
                configuration, "a tiled inspector state")) {
            int width = in.readInt();
            int height = in.readInt();
            int count = in.readInt();
            if (width < 0 || height < 0 || count < 0 || (width == 0) != (count == 0)) {
                throw new IOException(file + ": damaged (" + count + " banks for a first part of " + width + "x"
                        + height + ")");
            }
            List<byte[]> banks = new ArrayList<>(count);
            for (int b = 0; b < count; b++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new EOFException();
                }
                banks.add(in.readNBytes(length));
            }
            return new Saved(file, width, height, banks);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated");
        }
    }
}
