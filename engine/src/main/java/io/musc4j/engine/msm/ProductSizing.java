package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.common.io.CacheFolder;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How large the MSM kernel's products are on this CPU: measured once per machine and remembered.
 *
 * <p>Why measured: a tile's minimum reductions cost little beside its product wherever the product
 * lies (one read of each product element against 2·C multiply-adds to write it), so the product's
 * size is a matter of the matrix library's rate alone, and that depends on the CPU, the library's code
 * path on it and the thread count, not on a cache size that can be read. The candidates start at the L2
 * caches of the computing cores ({@link CpuCaches}) and double three times; each is run as a real tile
 * on random unit features, interleaved with the others so that a busy moment slows all alike, and the
 * fastest is kept (about 0.2 s on a 2-core server). Every size gives the same numbers.
 *
 * <p>The neighbourhood kernel ({@link NeighbourhoodMinima}, every LNAMD degree of a layer from one
 * product) is measured on its own ({@link #ofNeighbourhoods}): per tile it runs a dozen passes over
 * arrays of the product's size besides the product, so a tile's fixed costs weigh more and its best
 * product is larger. On a 2-core Zen 5 the pass kernel's best, 2 MiB, gave it 57–62 ms of MSM per image
 * in {@code bench speed} and 157–161 ms of bank scoring in {@code bench inspector}; 8 MiB gave 47–48 and
 * 134–139. Its candidates go on to {@link #NEIGHBOURHOOD_MULTIPLES}, timed on the paper's degrees 1, 3, 5.
 *
 * <p>Remembered in {@code msm-product.properties} in the {@link CacheFolder}, keyed by what the rate depends on: the
 * CPU model, the logical CPUs, the L2 size, the preloaded libraries (the launcher's MKL remedy), the
 * feature shape and the product precision. {@code MUSC_MSM_PRODUCT_MIB} (or
 * {@code -Dmusc4j.msm.productMib}) sets the size and skips all of this.
 */
public final class ProductSizing {

    /** The candidates: the L2 share times these. */
    static final int[] MULTIPLES = {1, 2, 4, 8};
    /** The neighbourhood kernel's candidates: the L2 share times these. */
    static final int[] NEIGHBOURHOOD_MULTIPLES = {1, 2, 4, 8, 16};
    /** The degrees the neighbourhood kernel is timed on. */
    static final long[] TIMED_DEGREES = {1, 3, 5};
    /** The images whose pairs the neighbourhood kernel is timed on. */
    static final int SWEEP_IMAGES = 12;
    /** Timed rounds over all candidates after one warm-up round; a candidate's best round counts. */
    static final int ROUNDS = 3;
    static final String FILE = "msm-product.properties";

    private static final Map<String, Sizing> MEMO = new ConcurrentHashMap<>();

    /**
     * @param productBytes the product size the kernel plans with
     * @param how where it comes from, for reports: the override, the remembered measurement, or the
     *     rates measured now
     */
    public record Sizing(long productBytes, String how) {
    }

    private ProductSizing() {
    }

    /** The product size for the kernel's tiles over features of L patches with C channels on this CPU. */
    public static Sizing of(NearestPatchMinima kernel, long patches, long channels) {
        Long forced = forcedBytes();
        if (forced != null) {
            return new Sizing(forced, "set by MUSC_MSM_PRODUCT_MIB");
        }
        String key = key(patches, channels, kernel.precision());
        return MEMO.computeIfAbsent(key, k -> rememberedOrMeasured(kernel, patches, channels, k));
    }

    /**
     * The product size for the neighbourhood kernel's tiles ({@link NeighbourhoodMinima}, float32) over
     * maps of L patches with C channels on this CPU.
     */
    public static Sizing ofNeighbourhoods(long patches, long channels) {
        Long forced = forcedBytes();
        if (forced != null) {
            return new Sizing(forced, "set by MUSC_MSM_PRODUCT_MIB");
        }
        String key = key(patches, channels, Precision.FP32) + "|neighbourhoods|" + NeighbourhoodMinima.REVISION;
        return MEMO.computeIfAbsent(key, k -> rememberedOrMeasured(k, NEIGHBOURHOOD_MULTIPLES,
                candidates -> measureNeighbourhoods(patches, channels, candidates)));
    }

    private static Long forcedBytes() {
        String v = System.getProperty("musc4j.msm.productMib", System.getenv("MUSC_MSM_PRODUCT_MIB"));
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            double mib = Double.parseDouble(v.trim());
            if (mib > 0 && mib < 1 << 20) {
                return Math.max(1, (long) (mib * (1 << 20)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("MUSC_MSM_PRODUCT_MIB must be a positive number of MiB, got '" + v + "'");
    }

    static Sizing rememberedOrMeasured(NearestPatchMinima kernel, long patches, long channels, String key) {
        return rememberedOrMeasured(key, MULTIPLES, candidates -> measure(kernel, patches, channels, candidates));
    }

    /** The rates, in FLOP/s, of tiles whose products have these sizes. */
    @FunctionalInterface
    interface Rates {
        double[] of(List<Long> productBytes);
    }

    /** The size remembered under {@code key}, else the fastest of the L2 share times {@code multiples}. */
    static synchronized Sizing rememberedOrMeasured(String key, int[] multiples, Rates rates) {
        Path file = CacheFolder.path().resolve(FILE);
        Properties known = read(file);
        String value = known.getProperty(key);
        if (value != null && value.matches("\\d+")) {
            return new Sizing(Long.parseLong(value), "measured on this machine before (" + file + ")");
        }
        long base = CpuCaches.detect().l2Of(Runtime.getRuntime().availableProcessors());
        List<Long> candidates = new ArrayList<>();
        for (int m : multiples) {
            candidates.add(base * m);
        }
        long start = System.nanoTime();
        double[] measured = rates.of(candidates);
        double seconds = (System.nanoTime() - start) / 1e9;
        int best = 0;
        for (int i = 1; i < measured.length; i++) {
            if (measured[i] > measured[best]) {
                best = i;
            }
        }
        StringBuilder how = new StringBuilder(String.format(Locale.ROOT, "measured now (%.2f s):", seconds));
        for (int i = 0; i < measured.length; i++) {
            how.append(String.format(Locale.ROOT, " %s %.0f GFLOP/s%s", mib(candidates.get(i)), measured[i] / 1e9,
                    i == best ? " (kept)" : ""));
        }
        known.setProperty(key, Long.toString(candidates.get(best)));
        try {
            StringWriter text = new StringWriter();
            known.store(text, "MSM product sizes measured by musc4j (ProductSizing); delete to measure again");
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.ISO_8859_1));
            how.append("; remembered in ").append(file);
        } catch (IOException | RuntimeException e) {
            how.append("; not remembered (").append(e.getMessage()).append(')');
        }
        return new Sizing(candidates.get(best), how.toString());
    }

    /**
     * The rate of one tile of each candidate size, in FLOP/s: query images against as many reference
     * images as its plan gives, on random unit features, best of {@link #ROUNDS} interleaved rounds.
     */
    static double[] measure(NearestPatchMinima kernel, long patches, long channels, List<Long> productBytes) {
        NearestPatchMinima.TilePlan[] plans = new NearestPatchMinima.TilePlan[productBytes.size()];
        long images = 0;
        for (int i = 0; i < plans.length; i++) {
            plans[i] = kernel.plan(patches, channels, productBytes.get(i));
            images = Math.max(images, plans[i].queryImages() + (long) plans[i].referenceImages());
        }
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            NDArray z = scope.randomNormal(new Shape(images, patches, channels));
            z = z.div(z.norm(new int[] {2}, true));
            NearestPatchMinima.ProductForm ops = NearestPatchMinima.ProductForm.of(FeatureChunks.of(z),
                    kernel.precision(), (int) images, scope);
            NDArray minima = scope.full(new Shape(images, images, patches), Float.POSITIVE_INFINITY, DataType.FLOAT32);
            NDArray[] work = new NDArray[plans.length];
            for (int i = 0; i < plans.length; i++) {
                work[i] = NearestPatchMinima.workspace(plans[i], ops, ops, scope);
            }
            return bestRates(plans.length, i -> {
                NearestPatchMinima.TilePlan p = plans[i];
                long k = p.queryImages();
                NearestPatchMinima.tiles(ops, 0, k, 0, ops, k, k + p.referenceImages(), p, minima, true, work[i], scope);
                minima.getFloat(0, k, 0); // the tile has run
                return 2.0 * k * p.referenceImages() * patches * patches * (channels + 2);
            });
        }
    }

    /**
     * The rate of the neighbourhood kernel per candidate size, in FLOP/s of its products: every pair of
     * {@link #SWEEP_IMAGES} random maps ({@link NeighbourhoodMinima#mutual}) in that size's tiles, degrees
     * {@link #TIMED_DEGREES}, best of {@link #ROUNDS} interleaved rounds; 0 for a size that cannot hold one
     * image pair (the kernel does not split query images). A sweep, not one tile: one tile timed again and
     * again in warm caches ranked 16 MiB first on a 2-core Zen 5, where runs were fastest at 4–8 MiB.
     */
    static double[] measureNeighbourhoods(long patches, long channels, List<Long> productBytes) {
        int images = SWEEP_IMAGES;
        NearestPatchMinima sizer = new NearestPatchMinima(Long.MAX_VALUE, Precision.FP32);
        NearestPatchMinima.TilePlan[] plans = new NearestPatchMinima.TilePlan[productBytes.size()];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = sizer.plan(patches, channels, productBytes.get(i));
        }
        int d = TIMED_DEGREES.length;
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            long gridH = (long) Math.sqrt((double) patches);
            while (patches % gridH != 0) {
                gridH--;
            }
            long[] grid = new long[2 + d];
            grid[0] = gridH;
            grid[1] = patches / gridH;
            System.arraycopy(TIMED_DEGREES, 0, grid, 2, d);
            NeighbourhoodMinima.Form form = new NeighbourhoodMinima.Form(
                    scope.randomNormal(new Shape(images, patches, channels)),
                    scope.randomUniform(0.5f, 1f, new Shape(d, images, patches)).div(channels),
                    scope.ones(new Shape(d, images, patches)), scope.create(grid));
            return bestRates(plans.length, i -> {
                if (!NeighbourhoodMinima.fits(plans[i], patches)) {
                    return 0;
                }
                try (NDManager sweep = scope.newSubManager()) {
                    NeighbourhoodMinima.mutual(form, plans[i],
                            plans[i].referenceImages() * NeighbourhoodMinima.PRODUCT_SPAN, sweep)
                            .getFloat(0, 0, 1, 0); // it has run
                }
                return (double) images * (images - 1) * patches * patches * channels;
            });
        }
    }

    /** One run of a candidate: the FLOPs it did, 0 where the candidate cannot run. */
    @FunctionalInterface
    private interface Run {
        double flops(int candidate);
    }

    /** Each candidate's best rate in FLOP/s over {@link #ROUNDS} rounds after a warm-up one, the candidates
     *  interleaved within a round so that a busy moment slows all alike; 0 for one that cannot run. */
    private static double[] bestRates(int candidates, Run run) {
        double[] rates = new double[candidates];
        for (int round = 0; round <= ROUNDS; round++) {
            for (int i = 0; i < candidates; i++) {
                long t = System.nanoTime();
                double flops = run.flops(i);
                double seconds = (System.nanoTime() - t) / 1e9;
                if (round > 0 && flops > 0) {
                    rates[i] = Math.max(rates[i], flops / seconds);
                }
            }
        }
        return rates;
    }

    /** What the rate depends on, as one key of the properties file. */
    static String key(long patches, long channels, Precision precision) {
        return String.join("|", CpuCaches.cpuModel(), "cpus=" + Runtime.getRuntime().availableProcessors(),
                "l2=" + CpuCaches.detect().l2Bytes(), "preload=" + PRELOADED, "L=" + patches, "C=" + channels,
                precision.name());
    }

    /** The file names of the libraries preloaded into this process (MKL's remedy for AMD changes the rate). */
    private static final String PRELOADED = preloaded(System.getenv("LD_PRELOAD"));

    private static String preloaded(String preload) {
        List<String> libs = new ArrayList<>();
        if (preload != null) {
            for (String lib : preload.split("[: ]+")) {
                if (!lib.isBlank()) {
                    libs.add(Path.of(lib).getFileName().toString());
                }
            }
        }
        return String.join(",", libs);
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            // absent or unreadable: measure again
        }
        return p;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
