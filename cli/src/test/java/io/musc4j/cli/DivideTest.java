package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.common.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --divide 2 --divide-mode sequential}: each half of the category is scored on its own, then
 * RsCIN runs over all images. Checked against the Java API scoring each half as a separate set, and
 * RsCIN applied by hand to the concatenated scores with the reference's image features.
 */
class DivideTest {

    private static final String ID = "brick_dinov2-tiny_r135_k123";
    /** Same computation on the same inputs along two paths: the scores tolerance of the parity tests. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @Test
    void sequentialHalvesAreScoredAloneAndRsCinRunsOverAll() throws Exception {
        Path out = tmp.resolve("out");
        Cli.Outcome r = Cli.musc("run", "--data", Cli.DATA, "--format", "mvtec", "--category", "brick", "--model",
                Cli.DINOV2, "--layers", "1,3,5,7", "--divide", "2", "--divide-mode", "sequential", "--heatmaps", "none",
                "--out", out);
        assertEquals(0, r.code(), r::toString);
        List<ScoresFile.Row> rows = ScoresFile.read(out.resolve("brick/scores.csv")).list();
        List<String> order = RunParityTest.imageOrder(ID);
        assertEquals(order, rows.stream().map(ScoresFile.Row::image).toList(), "rows in image order");
        List<Path> paths = order.stream().map(Cli.DATA::resolve).toList();
        int n = paths.size();

        double[] halves = new double[n];
        try (MuSc musc = MuSc.builder().config(MuscConfig.builder().model(Cli.DINOV2.toString()).layers(1, 3, 5, 7)
                .imageSize(224).rscin(RscinWindows.off()).build()).build()) {
            ScoredSet first = musc.score(paths.subList(0, n / 2));
            ScoredSet second = musc.score(paths.subList(n / 2, n));
            System.arraycopy(first.mapMax(), 0, halves, 0, n / 2);
            System.arraycopy(second.mapMax(), 0, halves, n / 2, n - n / 2);
        }
        // The reference's own image features of the same 18 images (float32, N×D).
        Npy.Array f = Npy.read(Cli.PARITY.resolve("runs").resolve(ID).resolve("image_features.npy"));
        float[] flat = f.toFloats();
        int d = (int) f.shape()[1];
        float[][] features = new float[n][];
        for (int i = 0; i < n; i++) {
            features[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        float[] rescored = Rscin.rescore(halves, features, RscinWindows.of(1, 2, 3));

        double errScore = 0;
        double errRscin = 0;
        double[] undivided = RunParityTest.reference(ID, "score_pre_rscin.npy");
        double moved = 0;
        for (int i = 0; i < n; i++) {
            errScore = Math.max(errScore, Math.abs(halves[i] - rows.get(i).mapMax()));
            errRscin = Math.max(errRscin, Math.abs(rescored[i] - rows.get(i).score()));
            moved = Math.max(moved, Math.abs(undivided[i] - rows.get(i).mapMax()));
        }
        System.out.printf("e2e divide map_max max abs err %.3e, score %.3e; differs from undivided by %.3e%n",
                errScore, errRscin, moved);
        assertTrue(errScore <= TOLERANCE, "map_max " + errScore);
        assertTrue(errRscin <= TOLERANCE, "score " + errRscin);
        assertTrue(moved > 1e-3, "halves scored alone must differ from the whole set scored together: " + moved);
        assertEquals("sequential", RunParityTest.json(out.resolve("run.json")).getAsJsonObject("config")
                .get("divide_mode").getAsString());
    }
}
