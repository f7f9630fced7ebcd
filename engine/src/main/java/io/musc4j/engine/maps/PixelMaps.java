package io.musc4j.engine.maps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * MuSc's last per-image step (SPEC §5): the patch map (h·w per image, float64) upsampled to the S×S
 * pixel map (bilinear, align corners, float64), and the image score before RsCIN = the maximum of the
 * pixel map (not of the patch map: the interior grid points are generally never sampled exactly).
 * The only place the pixel maps are made.
 */
public final class PixelMaps {

    /** Images upsampled at once: bounds the (chunk, S, S) float64 temporaries. */
    public static final int CHUNK = 16;

    private final AlignCornersUpsampler upsampler;

    /**
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param size pixel map side S
     */
    public PixelMaps(int gridH, int gridW, int size) {
        this.upsampler = new AlignCornersUpsampler(gridH, gridW, size);
    }

    /** Pixel map side S. */
    public int size() {
        return upsampler.size();
    }

    /**
     * Pixel maps of some images and their maxima.
     *
     * @param maps per image, S·S float32 row-major; null where only the scores were asked for
     * @param scores per image, the maximum of its float64 pixel map: the image score before RsCIN
     */
    public record Upsampled(float[][] maps, double[] scores) {
    }

    /**
     * Image scores before RsCIN of all images.
     *
     * @param patchMaps (n·h·w) row-major patch maps
     * @param manager its device upsamples; nothing stays on it
     * @return (n) maxima of the pixel maps
     */
    public double[] scores(double[] patchMaps, int n, NDManager manager) {
        return all(patchMaps, n, false, manager).scores();
    }

    /**
     * Pixel maps and scores of all n images, {@link #CHUNK} images at a time: the one loop over a set's
     * maps.
     *
     * @param keepMaps whether the float32 maps are returned (else only the scores)
     * @param manager its device upsamples; nothing stays on it
     */
    public Upsampled all(double[] patchMaps, int n, boolean keepMaps, NDManager manager) {
        double[] scores = new double[n];
        float[][] maps = keepMaps ? new float[n][] : null;
        for (int i0 = 0; i0 < n; i0 += CHUNK) {
            int i1 = Math.min(n, i0 + CHUNK);
            Upsampled chunk = upsample(patchMaps, i0, i1, keepMaps, manager);
            System.arraycopy(chunk.scores(), 0, scores, i0, i1 - i0);
            if (keepMaps) {
                System.arraycopy(chunk.maps(), 0, maps, i0, i1 - i0);
            }
        }
        return new Upsampled(maps, scores);
    }

    /**
     * The float64 pixel map of one image, S·S row-major (the reference's dtype; a caller comparing with
     * it needs no float32 rounding).
     */
    public double[] map(double[] patchMaps, int image, NDManager manager) {
        int patches = upsampler.gridH() * upsampler.gridW();
        try (NDManager scope = manager.newSubManager()) {
            NDArray patch = scope.create(Arrays.copyOfRange(patchMaps, image * patches, (image + 1) * patches),
                    new Shape(1, patches));
            return upsampler.upsample(patch).toDoubleArray();
        }
    }

    /**
     * Pixel maps and scores of images [from, to) in one pass; a caller bounds {@code to − from} (a set's
     * maps go through {@link #all}).
     *
     * @param patchMaps (n·h·w) row-major patch maps of a set
     * @param keepMaps whether the float32 maps are returned (else only the scores)
     * @param manager its device upsamples; nothing stays on it
     */
    public Upsampled upsample(double[] patchMaps, int from, int to, boolean keepMaps, NDManager manager) {
        int patches = upsampler.gridH() * upsampler.gridW();
        int k = to - from;
        try (NDManager scope = manager.newSubManager()) {
            NDArray patch = scope.create(Arrays.copyOfRange(patchMaps, from * patches, to * patches),
                    new Shape(k, patches));
            NDArray pixels = upsampler.upsample(patch).reshape(k, -1);
            double[] scores = pixels.max(new int[] {1}).toDoubleArray();
            if (!keepMaps) {
                return new Upsampled(null, scores);
            }
            float[] flat = pixels.toType(DataType.FLOAT32, false).toFloatArray();
            int plane = size() * size();
            float[][] maps = new float[k][];
            for (int i = 0; i < k; i++) {
                maps[i] = Arrays.copyOfRange(flat, i * plane, (i + 1) * plane);
            }
            return new Upsampled(maps, scores);
        }
    }
}
