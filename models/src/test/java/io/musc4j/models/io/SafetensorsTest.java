package io.musc4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    private static final Path DINO = Path.of(System.getProperty("musc4j.testdata"), "parity", "models", "dinov2-tiny");

    @Test
    void readsFixtureHeaderAndData() throws IOException {
        Safetensors st = Safetensors.openFolder(DINO);
        assertEquals(8 * 18 + 5 + 2, st.names().size()); // 18 per block, 5 embedding, 2 final norm
        assertArrayEquals(new long[] {1, 257, 64}, st.shape("embeddings.position_embeddings"));
        assertEquals(64 * 3 * 14 * 14, st.floats("embeddings.patch_embeddings.projection.weight").length);
    }

    @Test
    void halfAndBfloat16AreWidenedExactly(@TempDir Path dir) throws IOException {
        // values chosen to be exact in both formats, plus one that needs rounding
        float[] v = {0f, -0f, 1f, -2.5f, 0.099975586f /* half 0x2E66 */, 65504f, 0x1p-24f, 3.14159265f};
        for (String dtype : new String[] {"F16", "BF16"}) {
            Path f = dir.resolve(dtype + ".safetensors");
            new SafetensorsWriter().put("t", dtype, new long[] {v.length}, v).write(f);
            float[] got = Safetensors.openFile(f).floats("t");
            assertEquals(1f, got[2]);
            assertEquals(-2.5f, got[3]);
            if (dtype.equals("F16")) {
                assertEquals(0.099975586f, got[4]);
                assertEquals(65504f, got[5]);
                assertEquals(0x1p-24f, got[6]); // smallest subnormal half
                assertEquals(3.140625f, got[7]); // pi rounded to 10 mantissa bits
            } else {
                assertEquals(3.140625f, got[7]); // pi rounded to 7 mantissa bits
                assertEquals(65536f, got[5]); // 65504 needs more than 8 significant bits
            }
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[1]));
        }
    }

    @Test
    void truncatedFileNamesFileAndTensor(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(DINO.resolve("model.safetensors"));
        Path f = dir.resolve("model.safetensors");
        Files.write(f, Arrays.copyOf(all, all.length - 100));
        IOException e = assertThrows(WeightFileException.class, () -> Safetensors.openFile(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(f, Arrays.copyOf(all, 5));
        assertTrue(assertThrows(WeightFileException.class, () -> Safetensors.openFile(f)).getMessage().contains("truncated"));
    }

    @Test
    void hugeHeaderIsRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(200L * 1024 * 1024).array());
            out.write("{}".getBytes());
        }
        String msg = assertThrows(WeightFileException.class, () -> Safetensors.openFile(f)).getMessage();
        assertTrue(msg.startsWith(f.toString()) && msg.contains("exceeds"), msg);
    }

    @Test
    void pickledWeightsAreNotReadAsSafetensors(@TempDir Path dir) throws IOException {
        Path bin = dir.resolve("pytorch_model.bin");
        Files.write(bin, new byte[] {(byte) 0x80, 2}); // pickle protocol marker; must never be read
        String msg = assertThrows(WeightFileException.class, () -> Safetensors.openFolder(dir)).getMessage();
        assertTrue(msg.startsWith(dir.toString()) && msg.contains("no model.safetensors"), msg);
        msg = assertThrows(WeightFileException.class, () -> Safetensors.openFile(bin)).getMessage();
        assertTrue(msg.startsWith(bin.toString()) && msg.contains("not a safetensors file"), msg);
    }

    @Test
    void shardedFolderReadsEveryShard(@TempDir Path dir) throws IOException {
        Safetensors src = Safetensors.openFolder(DINO);
        SafetensorsWriter a = new SafetensorsWriter();
        SafetensorsWriter b = new SafetensorsWriter();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (String n : src.names()) {
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (i % 2 == 1 ? a : b).put(n, "F32", src.shape(n), src.floats(n));
            index.append(i > 1 ? "," : "").append('"').append(n).append("\":\"").append(shard).append('"');
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}"));
        Safetensors sharded = Safetensors.openFolder(dir);
        assertEquals(src.names(), sharded.names());
        for (String n : src.names()) {
            assertArrayEquals(src.floats(n), sharded.floats(n), n);
        }
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        String msg = assertThrows(WeightFileException.class, () -> Safetensors.openFolder(dir)).getMessage();
        assertTrue(msg.contains("model-00002-of-00002.safetensors") && msg.contains("missing"), msg);
    }
}
