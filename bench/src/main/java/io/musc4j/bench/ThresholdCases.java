package io.musc4j.bench;

import io.musc4j.batch.FormatDefaults;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.demo.DemoDataset;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ScoredSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The categories {@code musc bench thresholds} decides: from a pool of normal and defective images of
 * one kind, a category of about {@value #SIZE} images with a given share of defective ones (at least
 * one of each), drawn with a fixed seed, scored as {@code musc run --format mvtec} scores at 224 px.
 *
 * <p>Pools: the parity fixture's brick (12 normal, 6 defective test images, each also mirrored left–right,
 * top–bottom and both, which keeps the bricks' orientation: 48 and 24) and the three textures of
 * {@code bench make-data} (the demo dataset drawn with successive seeds: 50 normal, 30 defective each).
 */
final class ThresholdCases {

    /** Images per category (more at 2 %, so that it holds one defective image). */
    static final int SIZE = 40;

    /** Normal and defective images of one kind, at their original size. */
    record Pool(String name, List<RgbImage> normal, List<RgbImage> defective) {
    }

    /**
     * One scored category.
     *
     * @param pool     where its images came from
     * @param backbone the model's folder name
     * @param share    the defect share asked for, in percent
     * @param labels   1 = defective
     * @param mapMax   per image, the map's maximum (the score before RsCIN)
     * @param score    per image, the final score (after RsCIN)
     * @param maps     per image, the S×S pixel map
     */
    record Case(String pool, String backbone, int share, int[] labels, double[] mapMax, float[] score,
                float[][] maps) {

        int defective() {
            int n = 0;
            for (int l : labels) {
                n += l;
            }
            return n;
        }
    }

    private ThresholdCases() {
    }

    /** The brick pool of the parity fixtures ({@code data/brick}). */
    static Pool brick(Path parity) throws IOException {
        Path test = parity.resolve("data/brick/test");
        List<RgbImage> normal = new ArrayList<>();
        List<RgbImage> defective = new ArrayList<>();
        for (Path file : files(test)) {
            RgbImage image = ImageDecoder.installed().decode(file);
            List<RgbImage> target = file.getParent().getFileName().toString().equals("good") ? normal : defective;
            target.add(image);
            target.add(mirror(image, true, false));
            target.add(mirror(image, false, true));
            target.add(mirror(image, true, true));
        }
        return new Pool("brick", normal, defective);
    }

    /** The pools of {@code bench make-data}'s three textures, drawn with seeds from {@link DemoDataset#DEFAULT_SEED}. */
    static List<Pool> textures(Path scratch) throws IOException {
        List<String> names = null;
        List<List<RgbImage>> normal = new ArrayList<>();
        List<List<RgbImage>> defective = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            Path root = scratch.resolve("seed" + s);
            List<String> cats = DemoDataset.generate(root, DemoDataset.DEFAULT_SEED + s);
            if (names == null) {
                names = cats;
                cats.forEach(c -> {
                    normal.add(new ArrayList<>());
                    defective.add(new ArrayList<>());
                });
            }
            for (int c = 0; c < cats.size(); c++) {
                for (Path file : files(root.resolve(cats.get(c)).resolve("test"))) {
                    boolean good = file.getParent().getFileName().toString().equals("good");
                    (good ? normal : defective).get(c).add(ImageDecoder.installed().decode(file));
                }
            }
        }
        List<Pool> pools = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            pools.add(new Pool(names.get(c), normal.get(c), defective.get(c)));
        }
        return pools;
    }

    /**
     * Scores a category of {@code pool} with {@code share} % defective images: m = max(1, round(share·n))
     * defective and n − m normal ones, n = {@value #SIZE} (or 1/share when that is larger), as many as the
     * pool holds; images drawn at random with a seed, in random order.
     */
    static Case score(MuSc musc, String backbone, Pool pool, int share) throws IOException {
        int n = Math.max(SIZE, (int) Math.round(100.0 / share));
        int m = Math.max(1, (int) Math.round(share / 100.0 * n));
        int good = n - m;
        if (m > pool.defective().size()) {
            m = pool.defective().size();
            good = Math.min(pool.normal().size(), (int) Math.round(m * (100.0 - share) / share));
        }
        if (good > pool.normal().size()) {
            good = pool.normal().size();
            m = Math.min(m, Math.max(1, (int) Math.round(good * share / (100.0 - share))));
        }
        Random random = new Random(31L * share + pool.name().hashCode());
        List<RgbImage> normal = new ArrayList<>(pool.normal());
        List<RgbImage> defective = new ArrayList<>(pool.defective());
        Collections.shuffle(normal, random);
        Collections.shuffle(defective, random);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < good + m; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int size = musc.imageSize();
        List<RgbImage> images = new ArrayList<>();
        int[] labels = new int[order.size()];
        for (int k = 0; k < order.size(); k++) {
            int i = order.get(k);
            labels[k] = i < good ? 0 : 1;
            RgbImage image = i < good ? normal.get(i) : defective.get(i - good);
            images.add(musc.backboneSpec().preprocessing().resize(image, size));
        }
        ScoredSet r = musc.scoreImages(images);
        return new Case(pool.name(), backbone, share, labels, r.mapMax(), r.scores(), r.maps());
    }

    /** A MuSc for a backbone folder as {@code musc run --format mvtec --image-size 224} builds it. */
    static MuSc musc(Path model) throws IOException {
        return MuSc.builder().config(MuscConfig.builder().model(model.toString()).imageSize(224)
                .rscin(FormatDefaults.rscinWindows(DatasetFormat.MVTEC)).build()).build();
    }

    private static RgbImage mirror(RgbImage image, boolean leftRight, boolean topBottom) {
        int w = image.width();
        int h = image.height();
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < h; y++) {
            int sy = topBottom ? h - 1 - y : y;
            for (int x = 0; x < w; x++) {
                int sx = leftRight ? w - 1 - x : x;
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".png"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
    }
}
