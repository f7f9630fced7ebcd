package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.common.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inspector against MuSc itself on the brick fixture images and the tiny parity models: a part
 * inspected against a bank must get exactly the score (before RsCIN) and pixel map that
 * {@link MuSc#scoreImages} gives it when scored together with the bank's parts.
 */
class InspectorTest {

    /** Same tolerance as the parity tests: inspector and MuSc compute the same float32 distances. */
    private static final double TOLERANCE = 1e-5;

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final Path TEST = PARITY.resolve("data/brick/test");

    private static MuSc dinov2;
    private static MuSc clip;
    private static List<RgbImage> good;
    private static List<RgbImage> defects;

    @BeforeAll
    static void load() throws IOException {
        dinov2 = musc("dinov2-tiny");
        clip = musc("clip-tiny");
        good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            good.add(ImageDecoder.javaImageIo().decode(TEST.resolve(String.format("good/%03d.png", i))));
        }
        defects = new ArrayList<>();
        for (String type : List.of("scratch", "color")) {
            for (int i = 0; i < 3; i++) {
                defects.add(ImageDecoder.javaImageIo().decode(TEST.resolve(String.format("%s/%03d.png", type, i))));
            }
        }
    }

    @AfterAll
    static void close() {
        dinov2.close();
        clip.close();
    }

    private static MuSc musc(String model) throws IOException {
        return MuSc.builder().config(MuscConfig.builder().model(PARITY.resolve("models").resolve(model).toString())
                .imageSize(224).layers(1, 3, 5).degrees(1, 3, 5).rscin(RscinWindows.off()).build()).build();
    }

    private static MuSc model(String name) {
        return name.equals("clip") ? clip : dinov2;
    }

    /** Asserts the inspection equals MuSc's result for the query in {bank..., query}; returns the max error. */
    private static double assertSameAsMuSc(MuSc musc, Inspection got, RgbImage query, List<RgbImage> bank)
            throws IOException {
        return assertSameAsMuSc(musc, got, query, bank, false);
    }

    /**
     * With the query last, MuSc reaches its distances from the bank's side (column minima of the bank
     * parts' tiles), a different float32 summation than the inspector's; first, the same one.
     */
    private static double assertSameAsMuSc(MuSc musc, Inspection got, RgbImage query, List<RgbImage> bank,
            boolean queryFirst) throws IOException {
        List<RgbImage> set = new ArrayList<>(bank);
        int at = queryFirst ? 0 : bank.size();
        set.add(at, query);
        ScoredSet ref = musc.scoreImages(set);
        float[] map = ref.map(at);
        float[] gotMap = got.map();
        assertEquals(map.length, gotMap.length);
        double err = Math.abs(got.score() - ref.mapMax()[at]);
        for (int p = 0; p < map.length; p++) {
            err = Math.max(err, Math.abs(gotMap[p] - map[p]));
        }
        assertEquals(bank.size(), got.bankParts());
        assertTrue(err <= TOLERANCE, "inspection " + got.sequence() + " differs from MuSc by " + err);
        return err;
    }

    @ParameterizedTest(name = "{0}, M = {1}")
    @CsvSource({"dinov2, 6", "dinov2, 3", "clip, 6", "clip, 3"})
    void scoreAndMapEqualMuScOfThePartWithTheBank(String name, int m) throws IOException {
        MuSc musc = model(name);
        List<RgbImage> bank = good.subList(0, m);
        try (Inspector inspector = Inspector.builder(musc).bankSize(m).warmUp(m).build()) {
            for (RgbImage part : bank) {
                inspector.inspect(part);
            }
            // a defective and a good part in one call: both against the same M bank parts
            List<Inspection> got = inspector.inspect(List.of(defects.get(0), good.get(11)));
            double err = Math.max(assertSameAsMuSc(musc, got.get(0), defects.get(0), bank, true),
                    assertSameAsMuSc(musc, got.get(1), good.get(11), bank, false));
            System.out.printf("inspector vs MuSc (%s, M = %d): max abs error %.2e%n", name, m, err);
            assertTrue(got.get(0).score() > got.get(1).score(), "the scratched brick should score above the good one");
        }
    }

    @Test
    void withPackedWeightsAPartAloneStillScoresAsMuScScoresIt() throws IOException {
        // its own MuSc: packing changes the backbone the other tests share. MuSc scores the five parts in
        // one pass of five, which the weights packed for one image do not serve: the plain products
        List<RgbImage> bank = good.subList(0, 4);
        try (MuSc own = musc("dinov2-tiny");
             Inspector inspector = Inspector.builder(own).bankSize(4).warmUp(4).packWeights(true).build()) {
            for (RgbImage part : bank) {
                inspector.inspect(part);
            }
            double err = assertSameAsMuSc(own, inspector.inspect(defects.get(0)), defects.get(0), bank);
            System.out.printf("packed inspector vs MuSc: max abs error %.2e%n", err);
        }
    }

    @Test
    void theBankRollsOverTheLastMParts() throws IOException {
        int m = 4;
        List<RgbImage> seen = new ArrayList<>();
        double err = 0;
        try (Inspector inspector = Inspector.builder(dinov2).bankSize(m).warmUp(2).build()) {
            for (int i = 0; i < m + 2; i++) {
                Inspection got = inspector.inspect(good.get(i));
                if (i > 0) {
                    err = Math.max(err, assertSameAsMuSc(dinov2, got, good.get(i),
                            seen.subList(Math.max(0, seen.size() - m), seen.size())));
                }
                seen.add(good.get(i));
            }
            assertEquals(m, inspector.bankSize());
            Inspection got = inspector.inspect(defects.get(1));
            err = Math.max(err, assertSameAsMuSc(dinov2, got, defects.get(1), good.subList(2, m + 2)));
            assertEquals(m + 3, got.sequence());
        }
        System.out.printf("rolling bank vs MuSc: max abs error %.2e%n", err);
    }

    /** median + k·1.4826·MAD, computed here without the class under test. */
    private static double expectedThreshold(double[] scores, double k) {
        double median = median(scores);
        double[] dev = Arrays.stream(scores).map(s -> Math.abs(s - median)).toArray();
        return median + k * 1.4826 * median(dev);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    @Test
    void adaptiveThresholdComesFromMuScOnTheBankThenTheRollingScores() throws IOException {
        int m = 4;
        double k = 2.5;
        List<RgbImage> bank = good.subList(0, m);
        try (Inspector inspector = Inspector.builder(dinov2).bankSize(m).warmUp(m).madFactor(k).build()) {
            for (RgbImage part : bank) {
                inspector.inspect(part);
            }
            // seed: each bank part scored by MuSc against the other three
            double[] seed = dinov2.scoreImages(bank).mapMax();
            assertArrayEquals(seed, inspector.referenceScores(), TOLERANCE);
            double first = expectedThreshold(seed, k);
            assertEquals(first, inspector.currentThreshold(), TOLERANCE);

            Inspection defect = inspector.inspect(defects.get(0));
            assertEquals(first, defect.threshold(), TOLERANCE);
            assertEquals(defect.score() > first ? Verdict.ANOMALOUS : Verdict.NORMAL, defect.verdict());
            double defectScore = dinov2.scoreImages(List.of(defects.get(0), bank.get(0), bank.get(1), bank.get(2),
                    bank.get(3))).mapMax()[0];

            // the window keeps the last M reference scores: the oldest seed score makes way
            double[] window = {seed[1], seed[2], seed[3], defectScore};
            assertArrayEquals(window, inspector.referenceScores(), TOLERANCE);
            Inspection next = inspector.inspect(good.get(4));
            assertEquals(expectedThreshold(window, k), next.threshold(), TOLERANCE);
            assertNotEquals(first, next.threshold());
        }
    }

    @Test
    void warmUpScoresAgainstWhatTheBankHoldsWithoutJudging() throws IOException {
        try (Inspector inspector = Inspector.builder(dinov2).bankSize(5).warmUp(3).build()) {
            Inspection first = inspector.inspect(good.get(0));
            assertEquals(Verdict.WARMING_UP, first.verdict());
            assertTrue(Double.isNaN(first.score()));
            for (float v : first.map()) {
                assertTrue(Float.isNaN(v));
            }
            assertTrue(Double.isNaN(first.threshold()));
            assertEquals(0, first.bankParts());
            assertTrue(Double.isNaN(inspector.currentThreshold()));

            Inspection second = inspector.inspect(defects.get(2));
            assertEquals(Verdict.WARMING_UP, second.verdict());
            assertTrue(second.regions().isEmpty());
            assertSameAsMuSc(dinov2, second, defects.get(2), List.of(good.get(0)));

            Inspection third = inspector.inspect(good.get(1));
            assertEquals(Verdict.WARMING_UP, third.verdict());
            assertTrue(Double.isNaN(third.threshold()));
            assertEquals(3, inspector.bankSize());
            assertTrue(Double.isFinite(inspector.currentThreshold()));

            Inspection fourth = inspector.inspect(good.get(2));
            assertNotEquals(Verdict.WARMING_UP, fourth.verdict());
            assertTrue(Double.isFinite(fourth.threshold()));
        }
    }

    @Test
    void fixedThresholdJudgesAndAnomalousPartsCanBeKeptOutOfTheBank() throws IOException {
        try (Inspector inspector = Inspector.builder(dinov2).bankSize(6).warmUp(3).threshold(0.0)
                .admitAnomalous(false).build()) {
            for (int i = 0; i < 3; i++) {
                inspector.inspect(good.get(i));
            }
            assertEquals(0.0, inspector.currentThreshold());
            for (int i = 0; i < 3; i++) {
                Inspection got = inspector.inspect(defects.get(i));
                assertEquals(Verdict.ANOMALOUS, got.verdict());
                assertEquals(0.0, got.threshold());
                // every pixel is above 0: one region covering the map
                assertEquals(1, got.regions().size());
                assertEquals(new Region.Box(0, 0, 224, 224), got.regions().get(0).box());
                assertEquals(224 * 224, got.regions().get(0).area());
                assertEquals(got.score(), got.regions().get(0).peak(), 1e-6);
                assertEquals(3, inspector.bankSize(), "an anomalous part entered the bank");
                assertSameAsMuSc(dinov2, got, defects.get(i), good.subList(0, 3));
            }
        }
    }

    @Test
    void theBankHoldsAFixedNumberOfNativeArraysOverManyInspections() {
        try (Inspector inspector = Inspector.builder(dinov2).bankSize(4).warmUp(2).build()) {
            inspector.inspect(good.get(0));
            int arrays = inspector.bankArrays();
            assertEquals(9, arrays, "three arrays per layer (maps, their norms, unit squares) x 3 layers");
            for (int i = 1; i <= 50; i++) {
                RgbImage part = i % 7 == 0 ? defects.get(i % defects.size()) : good.get(i % good.size());
                Inspection got = inspector.inspect(part);
                assertEquals(arrays, inspector.bankArrays(), "the bank's manager grew at inspection " + i);
                assertFalse(Double.isNaN(got.score()));
            }
            assertEquals(51, inspector.inspected());
        }
    }
}
