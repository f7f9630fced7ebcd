package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.rscin.RscinWindows;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector fails closed: a broken model's NaN never becomes a NORMAL verdict nor enters the bank;
 * a file it cannot read completely is an exception; and closing the MuSc instance waits for a call
 * still inside it.
 */
class InspectorFailsClosedTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final Path TEST = PARITY.resolve("data/brick/test");

    @TempDir
    Path tmp;

    private static RgbImage good(int i) throws IOException {
        return ImageDecoder.javaImageIo().decode(TEST.resolve(String.format("good/%03d.png", i)));
    }

    private static MuSc musc(Path model) throws IOException {
        return MuSc.builder().config(io.musc4j.engine.MuscConfig.builder().model(model.toString()).imageSize(112)
                .layers(1, 3).degrees(1, 3).rscin(RscinWindows.off()).build()).build();
    }

    /** dinov2-tiny with a NaN patch-embedding bias: every feature and score is NaN. */
    private Path nanModel() throws IOException {
        Path tiny = PARITY.resolve("models/dinov2-tiny");
        Path model = Files.createDirectories(tmp.resolve("nan-model"));
        Files.copy(tiny.resolve("config.json"), model.resolve("config.json"));
        byte[] st = Files.readAllBytes(tiny.resolve("model.safetensors"));
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        JsonObject header = JsonParser.parseString(new String(st, 8, headerLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonArray at = header.getAsJsonObject("embeddings.patch_embeddings.projection.bias").getAsJsonArray("data_offsets");
        for (int p = 8 + headerLength + at.get(0).getAsInt(); p < 8 + headerLength + at.get(1).getAsInt(); p += 4) {
            b.putFloat(p, Float.NaN);
        }
        Files.write(model.resolve("model.safetensors"), st);
        return model;
    }

    @Test
    void aNanModelIsAnErrorNamingItAndNothingEntersTheBank() throws IOException {
        Path model = nanModel();
        try (MuSc musc = musc(model)) {
            for (boolean fixed : new boolean[] {false, true}) {
                Inspector.Builder b = Inspector.builder(musc).bankSize(4).warmUp(2);
                if (fixed) {
                    b.threshold(0.5);
                }
                try (Inspector inspector = b.build()) {
                    for (List<RgbImage> call : List.of(List.of(good(0)), List.of(good(1), good(2)))) {
                        NonFiniteScoreException e = assertThrows(NonFiniteScoreException.class,
                                () -> inspector.inspect(call));
                        assertTrue(e.getMessage().startsWith("model " + model + " gives non-finite features for "),
                                e.getMessage());
                        assertEquals(0, inspector.bankSize());
                        assertEquals(0, inspector.inspected());
                        assertArrayEquals(new double[0], inspector.referenceScores());
                    }
                }
            }
        }
    }

    /**
     * Pooled by position, a part's tiles are judged at every position before any bank takes one: when
     * the last position's tile fails, the other positions' banks stay as they were, not one part ahead
     * of it. The last position's bank runs on the NaN model, the others on the working one.
     */
    @Test
    void aTileThatFailsLeavesEveryPositionsBankAsItWas() throws IOException {
        Path model = nanModel();
        io.musc4j.engine.tiles.Tiling tiling = io.musc4j.engine.tiles.Tiling.grid(2, 2,
                io.musc4j.engine.tiles.TileOverlap.NONE, io.musc4j.engine.tiles.TilePool.POSITION);
        io.musc4j.engine.MuscConfig.Builder config = io.musc4j.engine.MuscConfig.builder().imageSize(112).layers(1, 3)
                .degrees(1, 3).rscin(RscinWindows.off()).tiling(tiling);
        try (MuSc working = MuSc.builder().config(config.model(PARITY.resolve("models/dinov2-tiny").toString())
                        .build()).build();
                MuSc broken = MuSc.builder().config(config.model(model.toString()).build()).build()) {
            Inspector.Builder good = Inspector.builder(working).bankSize(4).warmUp(2);
            Inspector.Builder bad = Inspector.builder(broken).bankSize(4).warmUp(2);
            List<Inspector> banks = new ArrayList<>();
            try (TiledInspector inspector = new TiledInspector(tiling, 112, "test", tiles -> {
                Inspector bank = new Inspector(banks.size() < 3 ? good : bad, true, 0);
                banks.add(bank);
                return bank;
            })) {
                RgbImage part = TiledInspectorTest.mosaic(good(0), good(1), good(2), good(3));
                NonFiniteScoreException e = assertThrows(NonFiniteScoreException.class, () -> inspector.inspect(part));
                assertTrue(e.getMessage().startsWith("model " + model + " gives non-finite features for "),
                        e.getMessage());
                assertEquals(4, banks.size());
                for (Inspector bank : banks) {
                    assertEquals(0, bank.bankSize());
                    assertEquals(0, bank.inspected());
                }
                assertEquals(0, inspector.bankSize());
            }
        }
    }

    @Test
    void aTruncatedJpegIsAnExceptionAndTheBankIsUnchanged() throws IOException {
        try (MuSc musc = musc(PARITY.resolve("models/dinov2-tiny"));
             Inspector inspector = Inspector.builder(musc).bankSize(4).warmUp(2).build()) {
            inspector.inspect(good(0));
            Path jpg = tmp.resolve("part.jpg");
            java.awt.image.BufferedImage bi = javax.imageio.ImageIO.read(TEST.resolve("good/001.png").toFile());
            javax.imageio.ImageIO.write(bi, "jpg", jpg.toFile());
            byte[] whole = Files.readAllBytes(jpg);
            Files.write(jpg, Arrays.copyOf(whole, whole.length / 3));
            IOException e = assertThrows(IOException.class, () -> inspector.inspect(jpg));
            assertTrue(e.getMessage().startsWith(jpg + ": not a readable image: truncated JPEG"), e.getMessage());
            assertEquals(1, inspector.bankSize());
        }
    }

    /** close() while an inspection is inside the instance waits for it, instead of freeing its model. */
    @Test
    void closeWaitsForACallStillInside() throws Exception {
        MuSc musc = musc(PARITY.resolve("models/dinov2-tiny"));
        Inspector inspector = Inspector.builder(musc).bankSize(8).warmUp(2).build();
        inspector.inspect(List.of(good(0), good(1)));
        List<RgbImage> parts = new ArrayList<>();
        for (int i = 2; i < 8; i++) {
            parts.add(good(i));
        }
        CountDownLatch inside = new CountDownLatch(1);
        List<RgbImage> slow = new AbstractList<>() {
            @Override
            public RgbImage get(int i) {
                return parts.get(i);
            }

            @Override
            public int size() {
                return parts.size();
            }

            @Override
            public Object[] toArray() {
                inside.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return parts.toArray();
            }
        };
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread line = new Thread(() -> {
            try {
                outcome.set(inspector.inspect(slow));
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        line.start();
        inside.await();
        musc.close();
        long closedAt = System.nanoTime();
        line.join();
        assertNotNull(outcome.get());
        assertTrue(outcome.get() instanceof List<?> l && l.size() == 6, () -> String.valueOf(outcome.get()));
        assertTrue(closedAt > 0);
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> inspector.inspect(good(0)));
        assertEquals("the MuSc instance is closed", after.getMessage());
        inspector.close();
    }

    /** A tiled part needs a bank per tile position (a TiledInspector): refused in one line rather than scored whole. */
    @Test
    void aTiledMuScIsRefused() throws IOException {
        io.musc4j.engine.MuscConfig tiled = io.musc4j.engine.MuscConfig.builder()
                .model(PARITY.resolve("models/dinov2-tiny").toString()).imageSize(112).layers(1, 3)
                .tiling(io.musc4j.engine.tiles.Tiling.grid(2, 2, io.musc4j.engine.tiles.TileOverlap.NONE,
                        io.musc4j.engine.tiles.TilePool.POSITION)).build();
        try (MuSc musc = MuSc.builder().config(tiled).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Inspector.builder(musc).bankSize(4).warmUp(2).build());
            assertEquals("the inspector scores whole parts against one bank; for a MuSc instance that cuts images"
                    + " into tiles (2x2 overlap 0px pool position) build a TiledInspector"
                    + " (Inspector.builder(musc).buildTiled())", e.getMessage());
        }
    }
}
