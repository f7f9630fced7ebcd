package io.musc4j.bench;

import io.musc4j.common.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Images made in Java for checks that must not read files or load an image library: a woven
 * texture (two crossed sinusoids with a per-image phase and pixel noise), and in every third image
 * one planted defect (a dark scratch, a bright spot or a crack) with its exact mask. A set of
 * these is a small category with known anomalies, so image and pixel AUROC mean something.
 */
final class PlantedDefects {

    /** Defect kinds, cycled over the defective images. */
    enum Kind { SCRATCH, SPOT, CRACK }

    /**
     * One image and its ground truth.
     *
     * @param image S×S RGB
     * @param mask S×S, 1 on defect pixels
     * @param label 1 when the image has a defect
     */
    record Part(RgbImage image, byte[] mask, int label) {
    }

    private PlantedDefects() {
    }

    /** {@code n} images of side {@code size}; image i has a defect when i % 3 == 2. Same seed, same images. */
    static List<Part> make(int n, int size, long seed) {
        if (size < 16) {
            throw new IllegalArgumentException("planted-defect images need a side of at least 16 px, got " + size);
        }
        List<Part> parts = new ArrayList<>(n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            SplittableRandom r = random.split();
            float[] rgb = texture(size, r);
            byte[] mask = new byte[size * size];
            if (i % 3 == 2) {
                plant(Kind.values()[(i / 3) % Kind.values().length], size, r, rgb, mask);
            }
            parts.add(new Part(toImage(size, rgb), mask, i % 3 == 2 ? 1 : 0));
        }
        return parts;
    }

    private static float[] texture(int size, SplittableRandom r) {
        float[] rgb = new float[size * size * 3];
        double period = size / 9.0;
        double px = r.nextDouble() * period;
        double py = r.nextDouble() * period;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double weave = Math.sin(2 * Math.PI * (x + px) / period) * Math.sin(2 * Math.PI * (y + py) / period);
                double base = 140 + 40 * weave + 6 * r.nextGaussian();
                int o = (y * size + x) * 3;
                rgb[o] = (float) base;
                rgb[o + 1] = (float) (base * 0.9);
                rgb[o + 2] = (float) (base * 0.75);
            }
        }
        return rgb;
    }

    private static void plant(Kind kind, int size, SplittableRandom r, float[] rgb, byte[] mask) {
        int margin = size / 6;
        double cx = margin + r.nextDouble() * (size - 2 * margin);
        double cy = margin + r.nextDouble() * (size - 2 * margin);
        switch (kind) {
            case SCRATCH -> {
                double angle = r.nextDouble() * Math.PI;
                double half = size / 5.0;
                double width = Math.max(1.5, size / 60.0);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double u = (x - cx) * Math.cos(angle) + (y - cy) * Math.sin(angle);
                        double v = -(x - cx) * Math.sin(angle) + (y - cy) * Math.cos(angle);
                        if (Math.abs(u) <= half && Math.abs(v) <= width) {
                            paint(rgb, mask, size, x, y, 30, 25, 20);
                        }
                    }
                }
            }
            case SPOT -> {
                double radius = size / 14.0;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
                            paint(rgb, mask, size, x, y, 235, 90, 60);
                        }
                    }
                }
            }
            case CRACK -> {
                double x = cx;
                double y = cy;
                double heading = r.nextDouble() * 2 * Math.PI;
                for (int step = 0; step < size / 2; step++) {
                    heading += 0.5 * r.nextGaussian();
                    x = Math.min(size - 2, Math.max(1, x + Math.cos(heading)));
                    y = Math.min(size - 2, Math.max(1, y + Math.sin(heading)));
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            paint(rgb, mask, size, (int) x + dx, (int) y + dy, 45, 40, 35);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static void paint(float[] rgb, byte[] mask, int size, int x, int y, float red, float green, float blue) {
        int p = y * size + x;
        rgb[p * 3] = red;
        rgb[p * 3 + 1] = green;
        rgb[p * 3 + 2] = blue;
        mask[p] = 1;
    }

    private static RgbImage toImage(int size, float[] rgb) {
        byte[] px = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            px[i] = (byte) Math.round(Math.min(255, Math.max(0, rgb[i])));
        }
        return new RgbImage(size, size, px);
    }
}
