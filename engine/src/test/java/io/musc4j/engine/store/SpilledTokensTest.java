package io.musc4j.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpilledTokensTest {

    private static final int H = 2;
    private static final int W = 3;
    private static final int C = 4;
    private static final int PER_IMAGE = (1 + H * W) * C;

    /** Distinct values: layer, image and position can be read back from each one. */
    private static float[] tokens(int layer, int images) {
        float[] f = new float[images * PER_IMAGE];
        for (int i = 0; i < f.length; i++) {
            f[i] = layer * 10000 + i + 0.25f;
        }
        return f;
    }

    @Test
    void readsBackWhatWasAppendedBatchByBatch(@TempDir Path tmp) throws IOException {
        int n = 5;
        float[][] all = {tokens(0, n), tokens(1, n)};
        try (NDManager m = NDManager.newBaseManager();
             SpilledTokens store = SpilledTokens.create(tmp, n, 2, H, W, C)) {
            try (var files = Files.list(store.folder())) {
                assertEquals(0, files.count(), "the layer files are unlinked as soon as they are open");
            }
            for (int[] batch : new int[][] {{0, 3}, {3, 5}}) {
                int b = batch[1] - batch[0];
                store.append(List.of(
                        m.create(Arrays.copyOfRange(all[0], batch[0] * PER_IMAGE, batch[1] * PER_IMAGE), new Shape(b, 1 + H * W, C)),
                        m.create(Arrays.copyOfRange(all[1], batch[0] * PER_IMAGE, batch[1] * PER_IMAGE), new Shape(b, 1 + H * W, C))));
            }
            assertFalse(store.resident());
            for (int layer = 0; layer < 2; layer++) {
                NDArray read = store.read(layer, 1, 4, m);
                assertEquals(new Shape(3, 1 + H * W, C), read.getShape());
                assertArrayEquals(Arrays.copyOfRange(all[layer], PER_IMAGE, 4 * PER_IMAGE), read.toFloatArray());
            }
            Path folder = store.folder();
            store.close();
            assertFalse(Files.exists(folder), "the token files and their folder are deleted on close");
        }
    }

    @Test
    void incompleteOrMisshapenInputIsRefused(@TempDir Path tmp) throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SpilledTokens store = SpilledTokens.create(tmp, 3, 1, H, W, C)) {
            store.append(List.of(m.zeros(new Shape(2, 1 + H * W, C))));
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> store.read(0, 0, 1, m));
            assertEquals("token store: only 2 of 3 images written", early.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> store.append(List.of(m.zeros(new Shape(1, H * W, C)))));
            assertTrue(shape.getMessage().startsWith("token store: layer 0 batch has shape (1, 6, 4), expected"),
                    shape.getMessage());
            assertThrows(IllegalStateException.class, () -> store.append(List.of(m.zeros(new Shape(2, 1 + H * W, C)))));
        }
    }

    @Test
    void unwritableFolderIsAOneLineError(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        IOException e = assertThrows(IOException.class, () -> SpilledTokens.create(file, 1, 1, H, W, C));
        assertTrue(e.getMessage().startsWith(file + ": cannot create a folder for spilled tokens"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
