package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.Backbone;
import io.musc4j.models.Features;
import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.common.image.RgbImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the backbone over an image set in batches and gathers the tapped tokens of every image, which
 * MSM needs all at once. One backbone pass per batch gives both the tokens and the image features.
 */
public final class FeatureExtractor {

    /** Supplies image {@code i} of the set; may fail with a message naming the file. */
    @FunctionalInterface
    public interface ImageSource {
        RgbImage image(int index) throws IOException;
    }

    private final Backbone backbone;
    private final Preprocessing preprocessing;
    private final int imageSize;
    private final int[] taps;
    private final int batchSize;

    /** An extractor of resolved values ({@link RunPlan}: the taps exist, S is at least one patch, the
     *  batch size is positive). */
    public FeatureExtractor(Backbone backbone, int imageSize, int[] taps, int batchSize) {
        this.backbone = backbone;
        this.preprocessing = backbone.spec().preprocessing();
        this.imageSize = imageSize;
        this.taps = taps.clone();
        this.batchSize = batchSize;
    }

    /**
     * Packs the backbone's linear weights for passes of {@code images} images at this extractor's image
     * size ({@link Backbone#packWeights}).
     *
     * @return bytes the packed weights take
     */
    public long packWeights(int images) {
        return backbone.packWeights(images, imageSize);
    }

    /** Patches per side of the grid the tokens are on. */
    public int grid() {
        return backbone.spec().grid(imageSize);
    }

    /** Channels C of a token. */
    public int channels() {
        return backbone.spec().hiddenSize();
    }

    /** Tapped layers. */
    public int layers() {
        return taps.length;
    }

    /** The input recipe this extractor uses. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Receives the backbone's output batch by batch; the arrays are freed after the call. */
    @FunctionalInterface
    public interface BatchSink {
        /**
         * @param layerTokens per tapped layer (b, 1+h·w, C)
         * @param imageFeatures (b, D)
         */
        void accept(List<NDArray> layerTokens, NDArray imageFeatures) throws IOException;
    }

    /**
     * Extracts the tokens of {@code count} images. The result lives in a new sub-manager of
     * {@code parent} on the backbone's device.
     */
    public PatchTokens extract(int count, ImageSource source, NDManager parent, ProgressListener progress)
            throws IOException {
        int grid = backbone.spec().grid(imageSize);
        NDManager out = parent.newSubManager(backbone.device());
        try {
            List<List<NDArray>> perLayer = new ArrayList<>();
            for (int t = 0; t < taps.length; t++) {
                perLayer.add(new ArrayList<>());
            }
            List<NDArray> features = new ArrayList<>();
            extract(count, source, out, (tokens, f) -> {
                for (int t = 0; t < taps.length; t++) {
                    perLayer.get(t).add(keep(tokens.get(t), out));
                }
                features.add(keep(f, out));
            }, progress);
            // Concatenate layer by layer and free the parts at once, so the peak is one layer above the total.
            List<NDArray> layers = new ArrayList<>();
            for (List<NDArray> parts : perLayer) {
                layers.add(concat(parts, out));
            }
            return new PatchTokens(layers, concat(features, out), grid, grid, out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Runs the backbone once over {@code count} images, handing each batch's output to {@code sink},
     * so that a caller can store the tokens elsewhere (e.g. in a file) as they come.
     */
    public void extract(int count, ImageSource source, NDManager parent, BatchSink sink, ProgressListener progress)
            throws IOException {
        int plane = 3 * imageSize * imageSize;
        progress.progress(ProgressListener.FEATURES, 0, count);
        for (int start = 0; start < count; start += batchSize) {
            int b = Math.min(batchSize, count - start);
            float[] input = new float[b * plane];
            for (int k = 0; k < b; k++) {
                preprocessing.toInput(source.image(start + k), imageSize, input, k * plane);
            }
            try (NDManager batch = parent.newSubManager(backbone.device())) {
                NDArray images = batch.create(FloatBuffer.wrap(input), new Shape(b, 3, imageSize, imageSize));
                Features f = backbone.forward(images, taps);
                sink.accept(f.tokens(), f.imageFeatures());
            }
            progress.progress(ProgressListener.FEATURES, start + b, count);
        }
    }

    private static NDArray keep(NDArray array, NDManager owner) {
        array.attach(owner);
        return array;
    }

    private static NDArray concat(List<NDArray> parts, NDManager owner) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDArray all = NDArrays.concat(new NDList(parts));
        all.attach(owner);
        parts.forEach(NDArray::close);
        return all;
    }
}
