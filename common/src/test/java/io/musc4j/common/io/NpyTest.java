package io.musc4j.common.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");

    @Test
    void readsReferenceArraysOfEveryDtype() throws IOException {
        Path run = PARITY.resolve("runs/brick_dinov2-tiny_r135_k123");
        Npy.Array labels = Npy.read(run.resolve("labels.npy"));
        assertEquals("<i8", labels.dtype());
        assertArrayEquals(new long[] {18}, labels.shape());
        // image_order.txt: color/000..002 first, then 12 good, then 3 scratch
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}, labels.toLongs());
        assertArrayEquals(new long[] {18, 256}, Npy.read(run.resolve("patch_map.npy")).shape());
        assertEquals("|u1", Npy.read(PARITY.resolve("runs/_shared/brick_gt_masks.npy")).dtype());
    }

    @Test
    void writtenFilesRoundTrip(@TempDir Path dir) throws IOException {
        float[] data = {1.5f, -2f, 3.25f, 0f, 7f, 8f};
        Path f = dir.resolve("sub/map.npy");
        Npy.writeFloats(f, data, 2, 3);
        Npy.Array back = Npy.read(f);
        assertArrayEquals(new long[] {2, 3}, back.shape());
        assertArrayEquals(data, back.toFloats());
        // NumPy requires the data to start on a 64-byte boundary
        assertEquals(0, (Files.size(f) - data.length * 4) % 64);
    }

    @Test
    void rejectsNonNpyWithFileName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.writeString(f, "hello world");
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertEquals(true, e.getMessage().contains("bad.npy"));
    }
}
