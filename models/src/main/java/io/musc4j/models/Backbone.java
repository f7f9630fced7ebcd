package io.musc4j.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * A loaded ViT backbone. Its weights live in a manager it owns and frees on {@link #close()}.
 * {@link #forward} does all per-batch work in scopes that close before it returns; the results are
 * attached to the manager of the input array, which the caller controls.
 */
public interface Backbone extends AutoCloseable {

    /** What this backbone is. */
    BackboneSpec spec();

    /** The device the weights live on. */
    Device device();

    /**
     * One pass over a batch: tapped tokens and image features together.
     *
     * @param images (B, 3, S, S) float32 preprocessed images (SPEC §1); moved to {@link #device()} if needed
     * @param layers the feature layers, 0-based, each in [0, blocks); which block each taps is
     *               {@link BackboneSpec#blocksFor(int[])} (the layer itself, except for DINO v1)
     */
    Features forward(NDArray images, int[] layers);

    /**
     * Packs the linear layers' weights for batches of {@code batch} images at {@code imageSize}, in the
     * matrix library's own layout, so that passes of that batch size skip re-laying them out on every
     * product (other batch sizes run as before). Costs memory beside the weights, about twice their size.
     *
     * @return bytes the packed weights take
     * @throws UnsupportedOperationException where this backbone, its device or its precision has none
     * @throws IllegalStateException when they are already packed for another batch size or image size
     *     (packing again for the same ones does nothing)
     */
    default long packWeights(int batch, int imageSize) {
        throw new UnsupportedOperationException("this backbone has no packed weights");
    }

    /** Frees the weights. */
    @Override
    void close();
}
