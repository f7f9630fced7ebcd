package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.metrics.Metrics;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options beyond the reference — aligned MSM ({@code --scoring aligned[:w]}) and SNAMD
 * ({@code --aggregation snamd}) — against the default (full MSM, LNAMD).
 *
 * <p>Part "speed": the scoring core ({@link MuscPipeline#score}: aggregation, MSM, layer and degree
 * means, maps; RsCIN off) on random tokens of a realistic shape: N=40, a 16×16 grid (L=256),
 * C=768, 4 layers, degrees {1, 3, 5}; the fastest of the rounds per option.
 * Part "fixtures": the parity fixtures' tokens (brick, dinov2-tiny and clip-tiny, 18 images): how far
 * each option moves the image scores before RsCIN and the patch map from the default (max and mean
 * absolute difference), and the image AUROC (after RsCIN, as a run reports it), pixel AUROC and
 * AUPRO with each option.
 *
 * <p>Arguments: {@code [speed|fixtures|all] [rounds] [testdata dir]}, defaults
 * {@code all 2 testdata}.
 */
public final class OptionsBench {

    private static final int N = 40;
    private static final int GRID = 16;
    private static final int C = 768;
    private static final int LAYERS = 4;
    private static final Integer[] DEGREES = {1, 3, 5};
    private static final List<String> RUNS = List.of("brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123");

    /** An option setting of the scorer. */
    private record Variant(String name, ScoringKernel scoring, Aggregation aggregation) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("default (full, lnamd)", ScoringKernel.FULL, Aggregation.LNAMD),
            new Variant("aligned:0", ScoringKernel.aligned(0), Aggregation.LNAMD),
            new Variant("aligned:1", ScoringKernel.aligned(1), Aggregation.LNAMD),
            new Variant("aligned:2", ScoringKernel.aligned(2), Aggregation.LNAMD),
            new Variant("snamd", ScoringKernel.FULL, Aggregation.SNAMD),
            new Variant("snamd + aligned:1", ScoringKernel.aligned(1), Aggregation.SNAMD));

    private OptionsBench() {
    }

    public static void main(String[] args) throws IOException {
        String part = args.length > 0 ? args[0] : "all";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path testdata = Path.of(args.length > 2 ? args[2] : "testdata");
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        if (!part.equals("fixtures")) {
            speed(rounds);
        }
        if (!part.equals("speed")) {
            fixtures(testdata.resolve("parity").resolve("runs"));
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    }

    private static MuscConfig config(Variant v, List<Integer> degrees, int imageSize, RscinWindows rscin) {
        return MuscConfig.builder().degrees(degrees).rscin(rscin).imageSize(imageSize)
                .scoring(v.scoring()).aggregation(v.aggregation()).build();
    }

    private static void speed(int rounds) {
        System.out.printf(Locale.ROOT, "%n## Scoring core speed: N=%d, L=%d (%dx%d), C=%d, %d layers, r 1,3,5, random tokens, "
                + "fastest of %d%n%n", N, GRID * GRID, GRID, GRID, C, LAYERS, rounds, rounds);
        System.out.println("| option | MSM passes | scoring core s | ms/image | speed-up |");
        System.out.println("|---|---|---|---|---|");
        double base = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> tokens = new ArrayList<>();
            for (int l = 0; l < LAYERS; l++) {
                tokens.add(manager.randomNormal(0, 1, new Shape(N, 1 + GRID * GRID, C), DataType.FLOAT32));
            }
            for (Variant v : VARIANTS) {
                MuscPipeline scorer = new MuscPipeline(config(v, List.of(DEGREES), 224, RscinWindows.off()));
                double best = Double.POSITIVE_INFINITY;
                for (int round = 0; round < rounds; round++) {
                    long t0 = System.nanoTime();
                    scorer.score(tokens, GRID, GRID, null);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                if (base == 0) {
                    base = best;
                }
                int passes = LAYERS * (v.aggregation() == Aggregation.SNAMD ? 1 : DEGREES.length);
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.1fx |%n", v.name(), passes, best,
                        best * 1000 / N, base / best);
            }
        }
    }

    private static void fixtures(Path runs) throws IOException {
        System.out.printf(Locale.ROOT, "%n## Effect on the parity fixtures (brick, 18 images, 224², RsCIN from the run)%n%n");
        System.out.println("| run | option | score pre-RsCIN max / mean abs diff | patch map max / mean abs diff "
                + "| image AUROC | pixel AUROC | AUPRO |");
        System.out.println("|---|---|---|---|---|---|---|");
        byte[][] masks = masks(Npy.read(runs.resolve("_shared").resolve("brick_gt_masks.npy")));
        for (String id : RUNS) {
            Path dir = runs.resolve(id);
            var manifest = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("manifest.json")))
                    .getAsJsonObject();
            List<Integer> layers = ints(manifest.getAsJsonArray("feature_layers"));
            List<Integer> degrees = ints(manifest.getAsJsonArray("r_list"));
            RscinWindows rscin = RscinWindows.of(ints(manifest.getAsJsonArray("k_list")).stream()
                    .mapToInt(Integer::intValue).toArray());
            int size = manifest.get("image_size").getAsInt();
            int[] labels = Npy.read(dir.resolve("labels.npy")).toInts();
            try (NDManager manager = NDManager.newBaseManager()) {
                List<NDArray> tokens = new ArrayList<>();
                for (int l : layers) {
                    tokens.add(array(manager, dir.resolve("tokens_layer" + l + ".npy")));
                }
                int grid = (int) Math.round(Math.sqrt(tokens.get(0).getShape().get(1) - 1));
                NDArray features = array(manager, dir.resolve("image_features.npy"));
                MuscResult base = null;
                for (Variant v : VARIANTS) {
                    MuscResult r = new MuscPipeline(config(v, degrees, size, rscin)).score(tokens, grid, grid, features);
                    if (base == null) {
                        base = r;
                    }
                    double[][] maps = new double[labels.length][];
                    for (int i = 0; i < labels.length; i++) {
                        maps[i] = r.pixelMap(i, manager);
                    }
                    float[] after = r.scores();
                    double[] imageScores = new double[after.length];
                    for (int i = 0; i < after.length; i++) {
                        imageScores[i] = after[i];
                    }
                    Metrics m = MetricsEvaluator.evaluate(labels, imageScores, PixelData.ofDoubles(size, size, maps, masks));
                    double[] s = diff(base.scoresBeforeRscin(), r.scoresBeforeRscin());
                    double[] p = diff(flat(base.patchMap()), flat(r.patchMap()));
                    System.out.printf(Locale.ROOT, "| %s | %s | %.4f / %.4f | %.4f / %.4f | %.4f | %.4f | %.4f |%n",
                            id.replace("_r135_k123", ""), v.name(), s[0], s[1], p[0], p[1], m.imageAuroc(),
                            m.pixelAuroc(), m.pixelAupro());
                }
            }
        }
    }

    /** {max, mean} of |a − b|. */
    private static double[] diff(double[] a, double[] b) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / a.length};
    }

    private static double[] flat(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static List<Integer> ints(com.google.gson.JsonArray a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsInt()));
        return out;
    }

    private static NDArray array(NDManager manager, Path file) throws IOException {
        Npy.Array a = Npy.read(file);
        return manager.create(a.toFloats(), new Shape(a.shape()));
    }

    private static byte[][] masks(Npy.Array a) {
        int[] shape = a.intShape();
        long[] all = a.toLongs();
        int per = shape[1] * shape[2];
        byte[][] out = new byte[shape[0]][per];
        for (int i = 0; i < shape[0]; i++) {
            for (int k = 0; k < per; k++) {
                out[i][k] = (byte) (all[i * per + k] != 0 ? 1 : 0);
            }
        }
        return out;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
