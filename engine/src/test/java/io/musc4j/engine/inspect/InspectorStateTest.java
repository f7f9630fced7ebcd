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

/**
 * {@link Inspector#save} and {@link Inspector#restore}: an inspector restored from a save gives, for
 * every later part, exactly the bits an inspector that was never interrupted gives; a state that does
 * not belong to the configuration, or is damaged, is refused with one line.
 */
class InspectorStateTest {

    private static final Path TEST = Path.of(System.getProperty("musc4j.testdata"), "parity/data/brick/test");

    private static MuSc dinov2;
    private static MuSc clip;
    private static List<RgbImage> parts;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        dinov2 = musc("dinov2-tiny");
        clip = musc("clip-tiny");
        parts = new ArrayList<>();
        ImageDecoder decoder = ImageDecoder.javaImageIo();
        for (int i = 0; i < 12; i++) {
            parts.add(decoder.decode(TEST.resolve(String.format("good/%03d.png", i))));
            if (i % 4 == 3) {
                parts.add(decoder.decode(TEST.resolve(String.format("scratch/%03d.png", i / 4))));
            }
        }
    }

    private static MuSc musc(String model) throws IOException {
        return MuSc.builder().config(MuscConfig.builder().model(Path.of(System.getProperty("musc4j.testdata"),
                "parity/models", model).toString()).imageSize(112).layers(1, 3, 5).degrees(1, 3)
                .rscin(RscinWindows.off()).build()).build();
    }

    @AfterAll
    static void close() {
        dinov2.close();
        clip.close();
    }

    private static Inspector.Builder builder() {
        return Inspector.builder(dinov2).bankSize(4).warmUp(3).madFactor(1.0);
    }

    private static void assertSameBits(Inspection expected, Inspection got) {
        assertEquals(expected.sequence(), got.sequence());
        assertEquals(expected.verdict(), got.verdict(), "verdict of part " + got.sequence());
        assertEquals(Double.doubleToRawLongBits(expected.score()), Double.doubleToRawLongBits(got.score()),
                "score of part " + got.sequence());
        assertEquals(Double.doubleToRawLongBits(expected.threshold()), Double.doubleToRawLongBits(got.threshold()),
                "threshold of part " + got.sequence());
        assertArrayEquals(expected.map(), got.map(), "map of part " + got.sequence());
        assertEquals(expected.regions(), got.regions());
        assertEquals(expected.bankParts(), got.bankParts());
    }

    /** Saved after every part into one folder (as the service does), restored after K parts, for K through warm-up and a full bank. */
    @Test
    void aRestoredInspectorGivesTheSameBitsAsOneNeverInterrupted() throws IOException {
        List<Inspection> uninterrupted = new ArrayList<>();
        try (Inspector inspector = builder().build()) {
            for (RgbImage part : parts) {
                uninterrupted.add(inspector.inspect(part));
            }
        }
        assertTrue(uninterrupted.stream().anyMatch(i -> i.verdict() == Verdict.ANOMALOUS), "no part was judged anomalous");
        assertTrue(uninterrupted.stream().anyMatch(i -> i.verdict() == Verdict.NORMAL), "no part was judged normal");
        for (int k : new int[] {1, 2, 5, 9}) {
            Path folder = tmp.resolve("k" + k);
            try (Inspector first = builder().build()) {
                for (int i = 0; i < k; i++) {
                    first.inspect(parts.get(i));
                    first.save(folder);
                }
            }
            try (Inspector restored = Inspector.restore(folder, builder())) {
                assertEquals(k, restored.inspected());
                for (int i = k; i < parts.size(); i++) {
                    assertSameBits(uninterrupted.get(i), restored.inspect(parts.get(i)));
                }
            }
        }
    }

    @Test
    void savingAfterEachPartWritesOnlyTheNewPartAndKeepsOnlyTheBanksFiles() throws IOException {
        Path folder = tmp.resolve("state");
        try (Inspector inspector = builder().build()) {
            for (int i = 0; i < 7; i++) {
                inspector.inspect(parts.get(i));
                inspector.save(folder);
                assertEquals(Math.min(i + 1, 4), partFiles(folder).size(), "part files after part " + (i + 1));
            }
            java.util.Map<Path, Object> before = new java.util.HashMap<>();
            for (Path f : partFiles(folder)) {
                before.put(f, fileKey(f));
            }
            inspector.inspect(parts.get(7));
            inspector.save(folder);
            List<Path> after = partFiles(folder);
            // one file out (the evicted part), one in; the others not rewritten (a rewrite is a new file)
            assertEquals(3, after.stream().filter(before::containsKey).count());
            for (Path f : after) {
                if (before.containsKey(f)) {
                    assertEquals(before.get(f), fileKey(f), f + " was rewritten");
                }
            }
        }
    }

    private static Object fileKey(Path f) throws IOException {
        return Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    private static List<Path> partFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder.resolve("bank"))) {
            return files.sorted().toList();
        }
    }

    private Path savedAfterThreeParts() throws IOException {
        Path folder = tmp.resolve("state");
        try (Inspector inspector = builder().build()) {
            for (int i = 0; i < 3; i++) {
                inspector.inspect(parts.get(i));
            }
            inspector.save(folder);
        }
        return folder;
    }

    @Test
    void aStateOfAnotherConfigurationOrModelIsRefusedWithOneLine() throws IOException {
        Path folder = savedAfterThreeParts();
        IOException bank = assertThrows(IOException.class, () -> Inspector.restore(folder, builder().bankSize(5)));
        assertEquals(folder.toAbsolutePath().resolve("inspector.state")
                + ": saved under another configuration (bank: saved 4, now 5); refusing to restore it", bank.getMessage());
        IOException model = assertThrows(IOException.class,
                () -> Inspector.restore(folder, Inspector.builder(clip).bankSize(4).warmUp(3).madFactor(1.0)));
        assertTrue(model.getMessage().contains("saved under another configuration (model: saved "), model.getMessage());
        assertFalse(model.getMessage().contains("\n"));
        IOException threshold = assertThrows(IOException.class,
                () -> Inspector.restore(folder, builder().threshold(0.5)));
        assertTrue(threshold.getMessage().contains("(threshold: saved mad:1, now fixed:0.5)"), threshold.getMessage());
    }

    @Test
    void aDamagedOrMissingFileIsRefusedWithOneLine() throws IOException {
        Path folder = savedAfterThreeParts();
        Path part = partFiles(folder).get(1);
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 1;
        Files.write(part, bytes);
        IOException damaged = assertThrows(IOException.class, () -> Inspector.restore(folder, builder()));
        assertEquals(part.toAbsolutePath() + ": damaged (checksum mismatch)", damaged.getMessage());
        Files.delete(part);
        IOException missing = assertThrows(IOException.class, () -> Inspector.restore(folder, builder()));
        assertEquals(part.toAbsolutePath() + ": missing (the state names it)", missing.getMessage());

        Path state = folder.resolve("inspector.state");
        byte[] head = Files.readAllBytes(state);
        head[40] ^= 4;
        Files.write(state, head);
        IOException header = assertThrows(IOException.class, () -> Inspector.restore(folder, builder()));
        assertEquals(state.toAbsolutePath() + ": damaged (checksum mismatch)", header.getMessage());
        IOException none = assertThrows(IOException.class, () -> Inspector.restore(tmp.resolve("nothing"), builder()));
        assertEquals(tmp.resolve("nothing").toAbsolutePath().resolve("inspector.state") + ": no inspector state here",
                none.getMessage());
    }
}
