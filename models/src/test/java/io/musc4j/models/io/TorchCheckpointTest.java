package io.musc4j.models.io;

import static io.musc4j.models.io.CheckpointBytes.checkpoint;
import static io.musc4j.models.io.CheckpointBytes.f32;
import static io.musc4j.models.io.CheckpointBytes.stateDict;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restricted reader of torch.save checkpoints. Real files come from {@code checkpoints/make_checkpoints.py}
 * (PyTorch 1.13), each with the values torch itself widened to float32 beside it; hostile files are built
 * by hand from the pickle and zip formats ({@link CheckpointBytes}).
 */
class TorchCheckpointTest {

    private static final Path DINO = Path.of(System.getProperty("musc4j.testdata"), "parity", "models", "dinov2-tiny");

    private static Path resource(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("checkpoints/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every float tensor equals torch's own float32 copy in NAME.expected.safetensors; returns the source. */
    private static TensorSource matchesTorch(String file) throws IOException {
        Path path = resource(file);
        TensorSource ckpt = TorchCheckpoint.open(path);
        Safetensors expected = Safetensors.openFile(resource(file.substring(0, file.lastIndexOf('.')) + ".expected.safetensors"));
        for (String n : expected.names()) {
            assertArrayEquals(expected.shape(n), ckpt.shape(n), n);
            assertArrayEquals(expected.floats(n), ckpt.floats(n), file + " " + n);
            assertEquals(path, ckpt.file(n));
        }
        return ckpt;
    }

    @Test
    void eachFloatTypeIsWidenedAsTorchWidensIt() throws IOException {
        for (String dtype : new String[] {"F32", "F16", "BF16"}) {
            TensorSource t = matchesTorch(dtype.toLowerCase() + ".bin");
            assertEquals(Set.of("w", "b"), t.names());
            assertEquals(dtype, t.dtype("w"));
            assertArrayEquals(new long[] {3, 4}, t.shape("w"));
            // b = arange(5) / 3 rounded to the dtype: 0 and 1 exact, 1/3 not (unless F32's float)
            float[] b = t.floats("b");
            assertEquals(0f, b[0]);
            assertEquals(1f, b[3]);
            float third = switch (dtype) {
                case "F32" -> 1f / 3;
                case "F16" -> 0.33325195f; // 0x3555: 1/3 rounded to 10 mantissa bits
                default -> 0.33398438f; // 0x3EAB: 1/3 rounded to 7 mantissa bits
            };
            assertEquals(third, b[1], dtype);
        }
    }

    @Test
    void viewsAreReadByTheirStridesAndOffsets() throws IOException {
        TensorSource t = matchesTorch("views.bin");
        assertArrayEquals(new long[] {6, 4}, t.shape("transposed"));
        assertArrayEquals(new long[] {2, 3}, t.shape("sliced"));
        assertEquals("F16", t.dtype("column"));
        // all of transposed, sliced and row view one 4x6 storage: base[i][j] is transposed[j][i]
        float[] tr = t.floats("transposed");
        float[] sl = t.floats("sliced");
        float[] row = t.floats("row");
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(tr[(2 + c) * 4 + 1 + r], sl[r * 3 + c]); // sliced = base[1:3, 2:5]
            }
        }
        for (int c = 0; c < 6; c++) {
            assertEquals(tr[c * 4 + 3], row[c]); // row = base[3]
        }
    }

    @Test
    void tensorsSharingOneStorageReadTheirOwnPart() throws IOException {
        TensorSource t = matchesTorch("shared.bin");
        assertArrayEquals(t.floats("embed"), t.floats("head"));
        assertArrayEquals(Arrays.copyOf(t.floats("embed"), 3), t.floats("first_row"));
    }

    @Test
    void trainingCheckpointIsFlattenedAndIntegerTensorsAreRefusedAsFloats() throws IOException {
        TensorSource t = matchesTorch("nested.pth");
        // the numbers and strings (epoch, lr, arch) and the None in the list carry no tensors
        assertEquals(new TreeSet<>(Set.of("model.proj.weight", "model.proj.bias", "model.norm.weight", "model.norm.bias",
                "model.norm.running_mean", "model.norm.running_var", "model.norm.num_batches_tracked", "ema.0", "scale")),
                new TreeSet<>(t.names()));
        assertArrayEquals(new float[] {2.5f}, t.floats("scale")); // saved as an nn.Parameter
        assertArrayEquals(new float[] {0.5f, 0.5f}, t.floats("ema.0"));
        assertEquals("I64", t.dtype("model.norm.num_batches_tracked"));
        assertArrayEquals(new long[0], t.shape("model.norm.num_batches_tracked"));
        String msg = assertThrows(WeightFileException.class, () -> t.floats("model.norm.num_batches_tracked")).getMessage();
        assertTrue(msg.startsWith(resource("nested.pth").toString()) && msg.contains("I64"), msg);
        msg = assertThrows(WeightFileException.class, () -> t.floats("model.norm.nothing")).getMessage();
        assertTrue(msg.contains("'model.norm.nothing' is missing"), msg);
    }

    @Test
    void dinov2CheckpointGivesTheSafetensorsTensors(@TempDir Path dir) throws IOException {
        Files.copy(resource("dinov2-tiny.pytorch_model.bin"), dir.resolve("pytorch_model.bin"));
        TensorSource bin = TensorSources.openFolder(dir);
        assertInstanceOf(TorchCheckpoint.class, bin);
        Safetensors st = Safetensors.openFolder(DINO);
        assertEquals(st.names(), bin.names());
        for (String n : st.names()) {
            assertArrayEquals(st.shape(n), bin.shape(n), n);
            assertEquals(st.dtype(n), bin.dtype(n), n);
            assertArrayEquals(st.floats(n), bin.floats(n), n);
        }
        // safetensors wins when a folder has both
        Files.copy(DINO.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        assertInstanceOf(Safetensors.class, TensorSources.openFolder(dir));
    }

    @Test
    void handMadeCheckpointReadsAColumnMajorView(@TempDir Path dir) throws IOException {
        // size (2, 2) with strides (1, 2) over [1, 2, 3, 4] is the transpose [[1, 3], [2, 4]]
        Path f = checkpoint(dir.resolve("t.pt"), stateDict("t", "FloatStorage", "0", 4, 0, new long[] {2, 2},
                new long[] {1, 2}), Map.of("data/0", f32(1, 2, 3, 4)));
        TensorSource t = TorchCheckpoint.open(f);
        assertArrayEquals(new float[] {1, 3, 2, 4}, t.floats("t"));
        // offset 1, size (3,), stride (1,): [2, 3, 4]
        Path g = checkpoint(dir.resolve("u.pt"), stateDict("u", "FloatStorage", "0", 4, 1, new long[] {3},
                new long[] {1}), Map.of("data/0", f32(1, 2, 3, 4)));
        assertArrayEquals(new float[] {2, 3, 4}, TorchCheckpoint.open(g).floats("u"));
    }

    @Test
    void littleEndianMarkAndDeflatedRecordsAreReadAndBigEndianIsRefused(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = entries(resource("f32.bin"));
        entries.put("f32/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        Path little = zip(dir.resolve("little.bin"), entries); // java.util.zip deflates every record
        assertArrayEquals(TorchCheckpoint.open(resource("f32.bin")).floats("w"), TorchCheckpoint.open(little).floats("w"));
        entries.put("f32/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        Path big = zip(dir.resolve("big.bin"), entries);
        assertOneLineError(big, "byte order 'big'", () -> TorchCheckpoint.open(big));
    }

    @Test
    void legacyPicklesAndOtherFilesAreRefused(@TempDir Path dir) throws IOException {
        Path legacy = Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        assertOneLineError(legacy, "legacy (non-zip) PyTorch pickle", () -> TorchCheckpoint.open(legacy));
        assertOneLineError(legacy, "legacy", () -> TensorSources.openFolder(dir));
        Path text = Files.writeString(dir.resolve("model.pt"), "hello");
        assertOneLineError(text, "not a PyTorch checkpoint", () -> TorchCheckpoint.open(text));
        Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
        assertOneLineError(empty, "not a PyTorch checkpoint", () -> TorchCheckpoint.open(empty));
        Path none = dir.resolve("absent.pt");
        assertOneLineError(none, "no such file", () -> TorchCheckpoint.open(none));
        Path otherZip = zip(dir.resolve("other.pt"), new LinkedHashMap<>(Map.of("a/b.txt", new byte[] {1})));
        assertOneLineError(otherZip, "without <folder>/data.pkl", () -> TorchCheckpoint.open(otherZip));
        Path empties = Files.createDirectory(dir.resolve("nothing"));
        String msg = assertThrows(WeightFileException.class, () -> TensorSources.openFolder(empties)).getMessage();
        assertTrue(msg.startsWith(empties.toString()) && msg.contains("pytorch_model.bin"), msg);
    }

    @Test
    void codeRunningGlobalsAreRefusedByName(@TempDir Path dir) throws IOException {
        String[][] globals = {{"os", "system"}, {"builtins", "eval"}, {"subprocess", "Popen"}, {"posix", "system"},
            {"torch", "load"}, {"torch._utils", "_rebuild_device_tensor_from_numpy"}, {"collections", "Counter"}};
        for (String[] g : globals) {
            // the classic payload: GLOBAL, an argument tuple, REDUCE; refused at the GLOBAL, before any call
            byte[] pkl = new CheckpointBytes().proto().globalOp(g[0], g[1]).str("touch /tmp/pwned").op(0x85, 'R', '.')
                    .bytes();
            Path f = checkpoint(dir.resolve(g[1] + ".bin"), pkl, Map.of());
            assertOneLineError(f, "refusing to load global '" + g[0] + "." + g[1]
                    + "' (only tensors and OrderedDict are allowed)", () -> TorchCheckpoint.open(f));
            byte[] stacked = new CheckpointBytes().op(0x80, 4).stackGlobal(g[0], g[1]).str("x").op(0x85, 'R', '.').bytes();
            Path s = checkpoint(dir.resolve(g[1] + "4.bin"), stacked, Map.of());
            assertOneLineError(s, "refusing to load global '" + g[0] + "." + g[1] + "'", () -> TorchCheckpoint.open(s));
        }
        Path complex = checkpoint(dir.resolve("complex.bin"), stateDict("t", "ComplexFloatStorage", "0", 1, 0,
                new long[] {1}, new long[] {1}), Map.of("data/0", new byte[8]));
        assertOneLineError(complex, "storage type 'torch.ComplexFloatStorage' is not supported",
                () -> TorchCheckpoint.open(complex));
        // a storage type or dtype is data, never a function to call
        byte[] call = new CheckpointBytes().proto().globalOp("torch", "FloatStorage").op(')', 'R', '.').bytes();
        Path c = checkpoint(dir.resolve("call.bin"), call, Map.of());
        assertOneLineError(c, "REDUCE applies a torch.FloatStorage", () -> TorchCheckpoint.open(c));
    }

    @Test
    void tensorsOutsideTheirStoragesAreRefusedBeforeAnyRead(@TempDir Path dir) throws IOException {
        long[] one = {1};
        Map<String, byte[]> four = Map.of("data/0", f32(1, 2, 3, 4));
        // 2^40 declared elements behind a 16-byte record: refused from the sizes, nothing allocated
        Path huge = checkpoint(dir.resolve("huge.bin"), stateDict("t", "FloatStorage", "0", 1L << 40, 0,
                new long[] {1L << 40}, one), four);
        assertOneLineError(huge, "data/0 has 16 bytes, but the pickle declares 1099511627776", () -> TorchCheckpoint.open(huge));
        Path overflow = checkpoint(dir.resolve("overflow.bin"), stateDict("t", "FloatStorage", "0", Long.MAX_VALUE / 2, 0,
                one, one), four);
        assertOneLineError(overflow, "declares 4611686018427387903 elements", () -> TorchCheckpoint.open(overflow));
        Path offset = checkpoint(dir.resolve("offset.bin"), stateDict("t", "FloatStorage", "0", 4, 10, new long[] {4},
                one), four);
        assertOneLineError(offset, "reaches element 13", () -> TorchCheckpoint.open(offset));
        Path strides = checkpoint(dir.resolve("strides.bin"), stateDict("t", "FloatStorage", "0", 4, 0,
                new long[] {2, 2}, new long[] {2, 2}), four);
        assertOneLineError(strides, "reaches element 4", () -> TorchCheckpoint.open(strides));
        Path extent = checkpoint(dir.resolve("extent.bin"), stateDict("t", "FloatStorage", "0", 4, 0,
                new long[] {1L << 40, 1L << 40}, new long[] {1L << 40, 1}), four);
        assertOneLineError(extent, "overflows 64 bits", () -> TorchCheckpoint.open(extent));
        // a broadcast (stride 0) of one stored element to 2^30 elements would need 4 GiB
        Path broadcast = checkpoint(dir.resolve("broadcast.bin"), stateDict("t", "FloatStorage", "0", 4, 0,
                new long[] {1L << 30}, new long[] {0}), four);
        assertOneLineError(broadcast, "has 1073741824 elements on 1 stored ones", () -> TorchCheckpoint.open(broadcast));
        Path small = checkpoint(dir.resolve("small.bin"), stateDict("t", "FloatStorage", "0", 4, 2,
                new long[] {2, 3}, new long[] {1, 0}), four);
        assertArrayEquals(new float[] {3, 3, 3, 4, 4, 4}, TorchCheckpoint.open(small).floats("t"));
        Path negative = checkpoint(dir.resolve("negative.bin"), stateDict("t", "FloatStorage", "0", 4, 0,
                new long[] {-1, 4}, new long[] {4, 1}), four);
        assertOneLineError(negative, "negative size or stride", () -> TorchCheckpoint.open(negative));
        Path negOffset = checkpoint(dir.resolve("negoffset.bin"), stateDict("t", "FloatStorage", "0", 4, -1, one, one), four);
        assertOneLineError(negOffset, "negative storage offset", () -> TorchCheckpoint.open(negOffset));
        Path missing = checkpoint(dir.resolve("missing.bin"), stateDict("t", "FloatStorage", "7", 4, 0, one, one), four);
        assertOneLineError(missing, "data/7, which the archive lacks", () -> TorchCheckpoint.open(missing));
        Path mismatch = checkpoint(dir.resolve("short.bin"), stateDict("t", "FloatStorage", "0", 5, 0, one, one), four);
        assertOneLineError(mismatch, "data/0 has 16 bytes, but the pickle declares 5", () -> TorchCheckpoint.open(mismatch));
        Path key = checkpoint(dir.resolve("key.bin"), stateDict("t", "FloatStorage", "../x", 4, 0, one, one), four);
        assertOneLineError(key, "storage key '../x' is not a plain record name", () -> TorchCheckpoint.open(key));
    }

    @Test
    void hostilePickleStructuresEndInOneLineErrors(@TempDir Path dir) throws IOException {
        Map<String, byte[]> none = Map.of();
        byte[] marks = new byte[200_003];
        Arrays.fill(marks, (byte) '(');
        marks[0] = (byte) 0x80;
        marks[1] = 2;
        marks[marks.length - 1] = '.';
        expect(dir, "marks", marks, "MARKs nested deeper than 256");
        // a dict that holds itself: d = {}; d['a'] = d
        expect(dir, "cycle", new CheckpointBytes().proto().op('}', 'q', 0).str("a").op('h', 0, 's', '.').bytes(),
                "nested deeper than 64 levels");
        // 40 levels of {'a': d, 'b': d}: 2^40 paths through a few hundred bytes
        CheckpointBytes dag = new CheckpointBytes().proto().op('}', 'q', 0);
        for (int i = 1; i <= 40; i++) {
            dag.op('}').op('(').str("a").op('h', i - 1).str("b").op('h', i - 1).op('u', 'q', i);
        }
        expect(dir, "dag", dag.op('.').bytes(), "nested values to visit");
        byte[] nones = new byte[(1 << 20) + 10];
        Arrays.fill(nones, (byte) 'N');
        nones[0] = (byte) 0x80;
        nones[1] = 2;
        expect(dir, "nones", nones, "more than 1048576 values");
        expect(dir, "hugestring", new CheckpointBytes().proto().op('X', 0xFF, 0xFF, 0xFF, 0x7F, 'a').bytes(),
                "ends inside an opcode's argument");
        expect(dir, "nostop", new CheckpointBytes().proto().op('}').bytes(), "ends before its STOP");
        expect(dir, "underflow", new CheckpointBytes().proto().op('s', '.').bytes(), "stack underflow at SETITEM");
        expect(dir, "memo", new CheckpointBytes().proto().op('h', 9, '.').bytes(), "memo slot 9");
        expect(dir, "opcode", new CheckpointBytes().proto().op('i').bytes(), "opcode 0x69");
        expect(dir, "proto0", new CheckpointBytes().op(0x80, 0, 'N', '.').bytes(), "pickle protocol 0");
        expect(dir, "notdict", new CheckpointBytes().proto().op('N', '.').bytes(), "holds a None, not a dict of tensors");
        expect(dir, "listkey", new CheckpointBytes().proto().op('}', ']', 'N', 's', '.').bytes(), "dict key of type list");
        expect(dir, "bigint", new CheckpointBytes().proto().op(0x8a, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, '.').bytes(),
                "integer of 9 bytes");
        expect(dir, "global", new CheckpointBytes().proto().op('c').global("os", "sys").bytes(), "refusing");
        expect(dir, "globalnl", new CheckpointBytes().proto().op('c', 'o', 's').bytes(), "ends inside a GLOBAL");
        // 0xFF opens a UTF-8 sequence that never completes
        expect(dir, "utf8", new CheckpointBytes().proto().op('X', 1, 0, 0, 0, 0xFF, '.').bytes(), "not UTF-8");
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + random.nextInt(4000)];
            random.nextBytes(junk);
            expect(dir, "random" + i, junk, "");
        }
        Path twice = checkpoint(dir.resolve("two.bin"), new byte[] {(byte) 0x80, 2, 'N', '.'}, none);
        Map<String, byte[]> e = entries(twice);
        e.put("other/data.pkl", e.get("archive/data.pkl"));
        Path two = zip(dir.resolve("twopickles.bin"), e);
        assertOneLineError(two, "holds two pickles", () -> TorchCheckpoint.open(two));
    }

    private static void expect(Path dir, String name, byte[] pkl, String problem) throws IOException {
        Path f = checkpoint(dir.resolve(name + ".bin"), pkl, Map.of());
        assertOneLineError(f, problem, () -> TorchCheckpoint.open(f));
    }

    @Test
    void truncatedZipsAreRefused(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(resource("views.bin"));
        for (int len = 4; len < all.length; len += 13) {
            Path f = Files.write(dir.resolve("cut" + len + ".bin"), Arrays.copyOf(all, len));
            assertOneLineError(f, "", () -> TorchCheckpoint.open(f));
        }
    }

    /**
     * A few hundred seeded mutations of real checkpoints, of the zip bytes and of the pickle inside it:
     * each either opens and reads or ends in a one-line WeightFileException, never anything else.
     */
    @Test
    @Timeout(300) // a hang guard, not a speed target
    void mutatedCheckpointsOnlyEverFailWithWeightFileException(@TempDir Path dir) throws IOException {
        Random random = new Random(20240514);
        int opened = 0;
        int refused = 0;
        for (String name : new String[] {"views.bin", "nested.pth", "shared.bin"}) {
            byte[] zipBytes = Files.readAllBytes(resource(name));
            Map<String, byte[]> entries = entries(resource(name));
            String pklName = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
            for (int i = 0; i < 120; i++) {
                Path f = dir.resolve(name + "." + i);
                if (i % 2 == 0) {
                    Files.write(f, mutate(zipBytes, random));
                } else {
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    m.put(pklName, mutate(entries.get(pklName), random));
                    zip(f, m);
                }
                try {
                    TensorSource t = TorchCheckpoint.open(f);
                    for (String n : t.names()) {
                        t.shape(n);
                        t.dtype(n);
                        try {
                            t.floats(n);
                        } catch (WeightFileException e) {
                            assertOneLine(f, e);
                        }
                    }
                    opened++;
                } catch (WeightFileException e) {
                    assertOneLine(f, e);
                    refused++;
                } catch (Throwable e) {
                    fail(f + " (mutation " + i + ") threw " + e, e);
                }
                Files.delete(f);
            }
        }
        System.out.printf("mutations: %d opened, %d refused%n", opened, refused);
        assertTrue(refused > 100 && opened > 10, opened + " opened, " + refused + " refused");
    }

    /** Flips, overwrites, deletes or inserts a few bytes, or truncates. */
    private static byte[] mutate(byte[] src, Random random) {
        byte[] b = src.clone();
        int kind = random.nextInt(5);
        int at = random.nextInt(b.length);
        switch (kind) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> {
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> {
                int len = Math.min(1 + random.nextInt(16), b.length - at);
                byte[] c = new byte[b.length - len];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + len, c, at, b.length - at - len);
                b = c;
            }
            case 3 -> {
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                b = c;
            }
            default -> b = Arrays.copyOf(b, at);
        }
        return b;
    }

    private static void assertOneLineError(Path file, String part, Executable open) {
        WeightFileException e = assertThrows(WeightFileException.class, open, file.toString());
        assertOneLine(file, e);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertOneLine(Path file, WeightFileException e) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file.toString()) && !msg.contains("\n") && msg.length() < 600, msg);
    }

    private static Map<String, byte[]> entries(Path zipFile) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zipFile.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }
}
