package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.TiledSet;
import io.musc4j.engine.inspect.PartRegions;
import io.musc4j.engine.inspect.Region;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.VisionTransformer;
import io.musc4j.models.VitWeights;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code musc bench tiles}: a tiled run of large texture images, both pools, with a random-weight ViT-B/14:
 * per-image time and peak RSS against the tile set's {@link io.musc4j.engine.MemoryPlan}; then the
 * planted-defect check: a small dark square in one image, which the tiled run must rank first and cover
 * with a region box, and which the untiled run (the whole image squeezed to S) is not expected to find.
 *
 * <p>Arguments {@code key=value}: {@code images} (20), {@code size} (2048, the images' side), {@code tiles}
 * (4x4), {@code s} (224, the network size), {@code defect} (12, the square's side in pixels), {@code overlap}
 * (0), {@code pools} (position,all), {@code seed} (7), {@code model} (a model folder or id for the
 * planted-defect check with trained weights; default: random weights).
 */
final class TilesBench {

    private TilesBench() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>(Map.of("images", "20", "size", "2048", "tiles", "4x4", "s", "224",
                "defect", "12", "overlap", "0", "pools", "position,all", "seed", "7", "model", ""));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("expected key=value with a key of " + a.keySet() + ", got '" + arg + "'");
            }
            a.put(kv[0], kv[1]);
        }
        int n = Integer.parseInt(a.get("images"));
        int size = Integer.parseInt(a.get("size"));
        int s = Integer.parseInt(a.get("s"));
        int defect = Integer.parseInt(a.get("defect"));
        long seed = Long.parseLong(a.get("seed"));
        int[] grid = Tiling.parseGrid(a.get("tiles"));
        TileOverlap overlap = TileOverlap.parse(a.get("overlap"));
        Textures textures = new Textures(size, defect, n, seed);
        String model = a.get("model");
        System.out.printf(Locale.ROOT, "musc bench tiles: %d images of %dx%d, tiles %s overlap %s, %s at %d, %d CPU(s);"
                + " a %d px dark square in image %d at (%d, %d)%n", n, size, size, a.get("tiles"), overlap,
                model.isEmpty() ? "ViT-B/14 random weights" : model, s, Runtime.getRuntime().availableProcessors(),
                defect, textures.defective, textures.dx, textures.dy);
        NDManager weights = NDManager.newBaseManager(Device.cpu());
        ModelConfig cfg = Architectures.DINOV2_BASE.config();
        // random weights time the work of a ViT-B; whether a defect is found is a question for trained ones
        try (VisionTransformer vit = model.isEmpty() ? new VisionTransformer(cfg,
                VitWeights.random(cfg, weights, DataType.FLOAT32, 42), weights, DataType.FLOAT32, s) : null) {
            MuscConfig plain = vit != null ? MuscConfig.builder().imageSize(s).layers(vit.spec().defaultTaps()).build()
                    : MuscConfig.builder().model(model).imageSize(s).build();
            for (String name : a.get("pools").split(",")) {
                Tiling tiling = Tiling.grid(grid[0], grid[1], overlap, TilePool.parse(name));
                try (MuSc musc = open(vit, plain.toBuilder().tiling(tiling).build())) {
                    long plan = musc.pipeline().planTiled(musc.extractor(), tiling, n, grid[0] * grid[1],
                            musc.device()).peakBytes();
                    ProcStatus.resetVmHwm();
                    long before = ProcStatus.vmRssKiB();
                    long t0 = System.nanoTime();
                    TiledSet r = musc.scoreTiledSource(n, textures::image);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "pool %-8s %.2f s per image (%d tiles each); peak RSS %.0f MiB "
                            + "(%.0f MiB before), scoring plan of one tile set %.0f MiB%n", name, seconds / n,
                            grid[0] * grid[1], ProcStatus.vmHwmKiB() / 1024.0, before / 1024.0, plan / 1048576.0);
                    found("tiled " + name, textures, r.mapMax(), r.map(textures.defective));
                }
            }
            try (MuSc musc = open(vit, plain)) {
                ScoredSet whole = musc.scoreSource(n, textures::image);
                found("untiled", textures, whole.mapMax(),
                        ImageMap.fromNetwork(whole.map(textures.defective), s, size, size));
            }
        }
    }

    /** A MuSc instance on the random-weight ViT, or on {@code config}'s model where there is none. */
    private static MuSc open(VisionTransformer vit, MuscConfig config) throws IOException {
        return vit != null ? MuSc.builder().backbone(vit).config(config).build() : MuSc.builder().config(config).build();
    }

    /**
     * Whether the defective image ranks first by its score before RsCIN, and whether a region of its map
     * above every other image's maximum (pixels no normal image reaches) overlaps the square.
     */
    private static void found(String run, Textures t, double[] mapMax, ImageMap map) {
        int rank = 1;
        double others = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < mapMax.length; i++) {
            if (i != t.defective) {
                rank += mapMax[i] > mapMax[t.defective] ? 1 : 0;
                others = Math.max(others, mapMax[i]);
            }
        }
        boolean covered = false;
        for (Region r : PartRegions.of(map, others, others, true, false).regions()) {
            Region.Box b = r.box();
            covered |= b.x0() < t.dx + t.side && t.dx < b.x1() && b.y0() < t.dy + t.side && t.dy < b.y1();
        }
        System.out.printf(Locale.ROOT, "%-16s defective image ranks %d of %d by map maximum; a region above the "
                + "other images' maxima %s the defect -> %s%n", run, rank, mapMax.length,
                covered ? "overlaps" : "does not overlap", rank == 1 && covered ? "FOUND" : "not found");
    }

    /** Woven textures made on demand (none held), one of them with a dark square. */
    private static final class Textures {
        final int size;
        final int side;
        final int defective;
        final int dx;
        final int dy;
        private final long seed;

        Textures(int size, int side, int n, long seed) {
            this.size = size;
            this.side = side;
            this.seed = seed;
            SplittableRandom r = new SplittableRandom(seed);
            this.defective = r.nextInt(n);
            this.dx = side + r.nextInt(size - 3 * side);
            this.dy = side + r.nextInt(size - 3 * side);
        }

        RgbImage image(int i) {
            SplittableRandom r = new SplittableRandom(seed * 31 + i);
            double period = 32;
            double px = r.nextDouble() * period;
            double py = r.nextDouble() * period;
            byte[] rgb = new byte[size * size * 3];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double base = 140 + 40 * Math.sin(2 * Math.PI * (x + px) / period)
                            * Math.sin(2 * Math.PI * (y + py) / period) + 6 * r.nextGaussian();
                    if (i == defective && x >= dx && x < dx + side && y >= dy && y < dy + side) {
                        base = 30;
                    }
                    int o = (y * size + x) * 3;
                    rgb[o] = (byte) clamp(base);
                    rgb[o + 1] = (byte) clamp(base * 0.9);
                    rgb[o + 2] = (byte) clamp(base * 0.75);
                }
            }
            return new RgbImage(size, size, rgb);
        }

        private static int clamp(double v) {
            return (int) Math.round(Math.min(255, Math.max(0, v)));
        }
    }
}
