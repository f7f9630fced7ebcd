package io.musc4j.bench;

import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.metrics.PixelScores;
import io.musc4j.engine.metrics.RankingScores;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.SplittableRandom;

/**
 * Times the metrics on a synthetic category at MVTec scale: by default 400 float maps of 518² with
 * masks of one to three elliptic blobs on 60 % of the images, maps = noise plus a bump over each
 * blob (and some bumps on normal images as false positives).
 *
 * <p>Arguments: {@code [images] [size] [repetitions] [float|double]} (defaults 400 518 3 float);
 * {@code double} evaluates the same maps widened to double, the reference's precision.
 */
public final class MetricsBench {

    private MetricsBench() {
    }

    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 518;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean asDouble = args.length > 3 && args[3].equals("double");
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] maps = new float[images][];
        byte[][] masks = new byte[images][];
        int[] labels = new int[images];
        double[] scores = new double[images];
        for (int i = 0; i < images; i++) {
            labels[i] = rnd.nextDouble() < 0.6 ? 1 : 0;
            maps[i] = new float[size * size];
            masks[i] = new byte[size * size];
            synthesize(maps[i], masks[i], size, labels[i] == 1, rnd);
            float max = 0;
            for (float v : maps[i]) {
                max = Math.max(max, v);
            }
            scores[i] = max;
        }
        System.out.printf("synthetic data: %d maps of %dx%d (%.1f M pixels) in %.2f s%n", images, size, size,
                (double) images * size * size / 1e6, seconds(t0));
        PixelData pixels = asDouble ? PixelData.ofDoubles(size, size, widen(maps), masks)
                : PixelData.ofFloats(size, size, maps, masks);
        resetPeaks();
        for (int r = 1; r <= reps; r++) {
            long t = System.nanoTime();
            RankingScores image = RankingScores.of(labels, scores);
            double tImage = seconds(t);
            t = System.nanoTime();
            PixelScores sorted = PixelScores.of(pixels);
            double tSort = seconds(t);
            t = System.nanoTime();
            RankingScores pixel = sorted.ranking();
            double tRanking = seconds(t);
            t = System.nanoTime();
            double aupro = sorted.aupro();
            double tAupro = seconds(t);
            t = System.nanoTime();
            double exact = sorted.auproExact();
            double tExact = seconds(t);
            System.out.printf("run %d: image metrics %.4f s | prepare (label regions, sort anomalous, tally normal) %.2f s | pixel AUROC/AP/F1"
                    + " sweep %.2f s | AUPRO (200 thr.) %.2f s | AUPRO exact %.2f s | total %.2f s%n", r, tImage,
                    tSort, tRanking, tAupro, tExact, tSort + tRanking + tAupro + tExact + tImage);
            System.out.printf("       image AUROC %.4f, pixel AUROC %.4f AP %.4f F1 %.4f, AUPRO %.4f, exact %.4f,"
                    + " %d regions%n", image.auroc(), pixel.auroc(), pixel.ap(), pixel.f1Max(), aupro, exact,
                    sorted.regionCount());
        }
        System.out.printf("%s maps + masks: %.0f MiB; peak heap during the metrics (sum of pool peaks): %.0f MiB;"
                + " max heap %.0f MiB%n", asDouble ? "double" : "float",
                (double) images * size * size * (asDouble ? 9 : 5) / (1 << 20), peakHeapMiB(),
                Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    /** Noise everywhere, blobs in the mask of anomalous images, a bump over every blob. */
    private static void synthesize(float[] map, byte[] mask, int size, boolean anomalous, SplittableRandom rnd) {
        for (int p = 0; p < map.length; p++) {
            map[p] = (float) (0.3 * rnd.nextDouble() + 0.1 * rnd.nextDouble());
        }
        int blobs = anomalous ? 1 + rnd.nextInt(3) : (rnd.nextDouble() < 0.3 ? 1 : 0);
        for (int b = 0; b < blobs; b++) {
            double cx = rnd.nextDouble() * size;
            double cy = rnd.nextDouble() * size;
            double ax = 5 + rnd.nextDouble() * 50;
            double ay = 5 + rnd.nextDouble() * 50;
            double strength = anomalous ? 0.2 + 0.6 * rnd.nextDouble() : 0.3 * rnd.nextDouble();
            int x0 = (int) Math.max(0, cx - 2 * ax);
            int x1 = (int) Math.min(size - 1, cx + 2 * ax);
            int y0 = (int) Math.max(0, cy - 2 * ay);
            int y1 = (int) Math.min(size - 1, cy + 2 * ay);
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    double dx = (x - cx) / ax;
                    double dy = (y - cy) / ay;
                    double d2 = dx * dx + dy * dy;
                    int p = y * size + x;
                    map[p] += (float) (strength * Math.exp(-d2));
                    if (anomalous && d2 <= 1) {
                        mask[p] = 1;
                    }
                }
            }
        }
    }

    private static double[][] widen(float[][] maps) {
        double[][] out = new double[maps.length][];
        for (int i = 0; i < maps.length; i++) {
            out[i] = new double[maps[i].length];
            for (int p = 0; p < maps[i].length; p++) {
                out[i][p] = maps[i][p];
            }
            maps[i] = null; // keep only one copy of the maps on the heap
        }
        return out;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static double peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576.0;
    }
}
