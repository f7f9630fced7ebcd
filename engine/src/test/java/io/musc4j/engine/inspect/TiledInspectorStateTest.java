package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TiledInspector#save} and {@link TiledInspector#restore}, both pools: a tiled inspector restored
 * from a save inspects every later part with exactly the bits one never interrupted gives; a state of
 * another tiling, model or configuration, or a damaged or missing file, is refused with one line.
 */
class TiledInspectorStateTest {

    private static final Path MODELS = TiledInspectorTest.PARITY.resolve("models");
    private static final Path TEST = TiledInspectorTest.PARITY.resolve("data/brick/test");

    private static List<RgbImage> parts;
    private static MuSc position;
    private static MuSc all;

    @TempDir
    Path tmp;

    /** 6 parts of 2x2 brick images (the overlap makes the stitched map blend), the last two with a defective quadrant. */
    @BeforeAll
    static void load() throws IOException {
        ImageDecoder decoder = ImageDecoder.javaImageIo();
        List<RgbImage> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            good.add(decoder.decode(TEST.resolve(String.format("good/%03d.png", i))));
        }
        parts = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            RgbImage first = k == 4 ? decoder.decode(TEST.resolve("scratch/000.png"))
                    : k == 5 ? decoder.decode(TEST.resolve("color/000.png")) : good.get(k);
            parts.add(TiledInspectorTest.mosaic(first, good.get((k + 3) % 12), good.get((k + 6) % 12),
                    good.get((k + 9) % 12)));
        }
        position = musc("dinov2-tiny", TilePool.POSITION);
        all = musc("dinov2-tiny", TilePool.ALL);
    }

    private static MuSc musc(String model, TilePool pool) throws IOException {
        return MuSc.builder().config(config(model).tiling(Tiling.grid(2, 2, TileOverlap.parse("16"), pool)).build())
                .build();
    }

    private static MuscConfig.Builder config(String model) {
        return MuscConfig.builder().model(MODELS.resolve(model).toString()).imageSize(112).layers(1, 3, 5)
                .degrees(1, 3).rscin(RscinWindows.off());
    }

    @AfterAll
    static void close() {
        position.close();
        all.close();
    }

    private static Inspector.Builder builder(TilePool pool) {
        return Inspector.builder(pool == TilePool.ALL ? all : position).bankSize(2).warmUp(2).madFactor(1.0);
    }

    private static void assertSameBits(TiledInspector.TiledInspection expected, TiledInspector.TiledInspection got,
            String what) {
        assertEquals(expected.verdict(), got.verdict(), what);
        assertEquals(Double.doubleToRawLongBits(expected.score()), Double.doubleToRawLongBits(got.score()), what);
        assertArrayEquals(expected.map().values(), got.map().values(), what);
        assertEquals(expected.regions(), got.regions(), what);
        for (int p = 0; p < expected.tiles().size(); p++) {
            Inspection e = expected.tiles().get(p);
            Inspection g = got.tiles().get(p);
            assertEquals(e.sequence(), g.sequence(), what);
            assertEquals(Double.doubleToRawLongBits(e.score()), Double.doubleToRawLongBits(g.score()), what);
            assertEquals(Double.doubleToRawLongBits(e.threshold()), Double.doubleToRawLongBits(g.threshold()),
                    what + ", tile " + p + "'s threshold");
            assertArrayEquals(e.map(), g.map(), what);
            assertEquals(e.bankParts(), g.bankParts(), what);
        }
    }

    /** Saved after every part into one folder, restored after K parts: before warm-up, at it, after evictions. */
    @ParameterizedTest
    @EnumSource(TilePool.class)
    void aRestoredTiledInspectorGivesTheSameBitsAsOneNeverInterrupted(TilePool pool) throws IOException {
        List<TiledInspector.TiledInspection> uninterrupted = new ArrayList<>();
        try (TiledInspector inspector = builder(pool).buildTiled()) {
            for (RgbImage part : parts) {
                uninterrupted.add(inspector.inspect(part));
            }
        }
        assertTrue(uninterrupted.stream().anyMatch(i -> i.verdict() == Verdict.ANOMALOUS), "no part judged anomalous");
        assertTrue(uninterrupted.stream().anyMatch(i -> i.verdict() == Verdict.NORMAL), "no part judged normal");
        for (int k : new int[] {0, 1, 2, 4}) {
            Path folder = tmp.resolve(pool + "-" + k);
            try (TiledInspector first = builder(pool).buildTiled()) {
                first.save(folder);
                for (int i = 0; i < k; i++) {
                    first.inspect(parts.get(i));
                    first.save(folder);
                }
            }
            assertTrue(TiledInspector.isSaved(folder));
            try (TiledInspector restored = TiledInspector.restore(folder, builder(pool))) {
                assertEquals(k, restored.inspected());
                assertEquals(Math.min(k, 2), restored.bankSize());
                for (int i = k; i < parts.size(); i++) {
                    assertSameBits(uninterrupted.get(i), restored.inspect(parts.get(i)), pool + ", saved after " + k
                            + ", part " + i);
                }
            }
        }
    }

    @Test
    void eachBankKeepsItsPartFilesInAFolderOfItsOwnAndOnlyThoseItHolds() throws IOException {
        for (TilePool pool : TilePool.values()) {
            Path folder = tmp.resolve("files-" + pool);
            try (TiledInspector inspector = builder(pool).buildTiled()) {
                for (int i = 0; i < 3; i++) {
                    inspector.inspect(parts.get(i));
                    inspector.save(folder);
                }
            }
            // 2 parts in the bank: 2 tiles in each position's, 8 in the pooled one
            if (pool == TilePool.ALL) {
                assertEquals(8, partFiles(folder.resolve("all")).size());
            } else {
                for (int p = 0; p < 4; p++) {
                    assertEquals(2, partFiles(folder.resolve("position-" + p)).size());
                }
            }
        }
    }

    private static List<Path> partFiles(Path bank) throws IOException {
        try (Stream<Path> files = Files.list(bank.resolve("bank"))) {
            return files.sorted().toList();
        }
    }

    private Path savedAfterThreeParts(TilePool pool) throws IOException {
        Path folder = tmp.resolve("state-" + pool);
        try (TiledInspector inspector = builder(pool).buildTiled()) {
            for (int i = 0; i < 3; i++) {
                inspector.inspect(parts.get(i));
            }
            inspector.save(folder);
        }
        return folder;
    }

    /** The one-line message with which restoring {@code folder} with {@code builder} is refused. */
    private static String refusal(Path folder, Inspector.Builder builder) {
        return assertThrows(IOException.class, () -> TiledInspector.restore(folder, builder).close()).getMessage();
    }

    @Test
    void aStateOfAnotherTilingModelOrConfigurationIsRefusedWithOneLine() throws IOException {
        Path folder = savedAfterThreeParts(TilePool.ALL);
        String file = folder.toAbsolutePath().resolve("tiled-inspector.state").toString();
        assertEquals(file + ": saved under another configuration (tiling: saved 2x2 overlap 16px pool all, now 2x2"
                + " overlap 16px pool position); refusing to restore it", refusal(folder, builder(TilePool.POSITION)));
        try (MuSc whole = MuSc.builder().config(config("dinov2-tiny").build()).build();
                MuSc clip = musc("clip-tiny", TilePool.ALL)) {
            assertEquals(file + ": saved under another configuration (tiling: saved 2x2 overlap 16px pool all, now off);"
                    + " refusing to restore it", refusal(folder, Inspector.builder(whole).bankSize(2).warmUp(2)
                            .madFactor(1.0)));
            String model = refusal(folder, Inspector.builder(clip).bankSize(2).warmUp(2).madFactor(1.0));
            assertTrue(model.startsWith(file + ": saved under another configuration (model: saved "), model);
            assertFalse(model.contains("\n"));
        }
        assertEquals(file + ": saved under another configuration (bank: saved 2, now 3); refusing to restore it",
                refusal(folder, builder(TilePool.ALL).bankSize(3)));
        String threshold = refusal(folder, builder(TilePool.ALL).threshold(0.5));
        assertTrue(threshold.contains("(threshold: saved mad:1, now fixed:0.5)"), threshold);
    }

    @Test
    void aDamagedOrMissingFileIsRefusedWithOneLine() throws IOException {
        Path folder = savedAfterThreeParts(TilePool.POSITION);
        Path part = partFiles(folder.resolve("position-2")).get(1);
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 1;
        Files.write(part, bytes);
        assertEquals(part.toAbsolutePath() + ": damaged (checksum mismatch)", refusal(folder, builder(TilePool.POSITION)));
        Files.delete(part);
        assertEquals(part.toAbsolutePath() + ": missing (the state names it)",
                refusal(folder, builder(TilePool.POSITION)));

        Path state = folder.resolve("tiled-inspector.state");
        byte[] head = Files.readAllBytes(state);
        head[head.length / 2] ^= 4;
        Files.write(state, head);
        assertEquals(state.toAbsolutePath() + ": damaged (checksum mismatch)", refusal(folder, builder(TilePool.POSITION)));
        Files.write(state, java.util.Arrays.copyOf(head, 20));
        assertEquals(state.toAbsolutePath() + ": not a tiled inspector state", refusal(folder, builder(TilePool.POSITION)));
        Path nothing = tmp.resolve("nothing");
        assertEquals(nothing.toAbsolutePath().resolve("tiled-inspector.state") + ": no tiled inspector state here",
                refusal(nothing, builder(TilePool.POSITION)));
        // a plain inspector's state is not a tiled one's
        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain);
        Files.write(plain.resolve("tiled-inspector.state"), Files.readAllBytes(savedPlainState()));
        assertEquals(plain.toAbsolutePath().resolve("tiled-inspector.state") + ": not a tiled inspector state",
                refusal(plain, builder(TilePool.POSITION)));
    }

    /** A plain inspector's saved state file. */
    private Path savedPlainState() throws IOException {
        Path folder = tmp.resolve("plain-state");
        try (MuSc whole = MuSc.builder().config(config("dinov2-tiny").build()).build();
                Inspector inspector = Inspector.builder(whole).bankSize(2).warmUp(2).build()) {
            inspector.inspect(parts.get(0));
            inspector.save(folder);
        }
        return folder.resolve("inspector.state");
    }
}
