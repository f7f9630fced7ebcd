package io.musc4j.models;

import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.profile.BackboneProfile;
import io.musc4j.models.profile.ModelConfig;

/**
 * What a loaded backbone is.
 *
 * @param profile          the family (DINOv2, DINOv2 with registers, DINO v1, CLIP): preprocessing, taps, image feature
 * @param patchSize        patch side in pixels
 * @param hiddenSize       token width C of the tapped tokens
 * @param blocks           number of transformer blocks; layers are 0-based indices below this
 * @param trainedImageSize input size the position embedding was trained for
 * @param featureDim       width D of the image feature used by RsCIN (C, or CLIP's projection width)
 */
public record BackboneSpec(BackboneProfile profile, int patchSize, int hiddenSize, int blocks,
        int trainedImageSize, int featureDim) {

    /** The facts a run needs about the backbone these numbers define. */
    public static BackboneSpec of(ModelConfig c) {
        return new BackboneSpec(c.profile(), c.patchSize(), c.hiddenSize(), c.layers(), c.imageSize(), c.featureDim());
    }

    /**
     * Four evenly spaced blocks ending at the last: tap i (i = 0..3) is ⌊(i+1)·n/4⌋ − 1, duplicates
     * removed (24 → 5,11,17,23; 12 → 2,5,8,11; 8 → 1,3,5,7; 6 → 0,2,3,5; fewer than 4 blocks → all).
     * These are the layers the reference's scripts use.
     */
    public int[] defaultTaps() {
        return java.util.stream.IntStream.rangeClosed(1, 4).map(i -> i * blocks / 4 - 1)
                .filter(t -> t >= 0).distinct().toArray();
    }

    /**
     * The 0-based blocks whose outputs the requested layers tap, in request order: the layers themselves,
     * except for DINO v1, whose taps are anchored at the last block (SPEC §2d).
     */
    public int[] blocksFor(int[] layers) {
        return profile.recipe().anchor().blocks(layers, blocks);
    }

    /** How images become this backbone's input (SPEC §1). */
    public Preprocessing preprocessing() {
        return profile.preprocessing();
    }

    /**
     * The input size S of a run that asks for {@code requested} pixels: the request, or the trained size
     * when it asks for none (0). The one place this default is made.
     */
    public int imageSize(int requested) {
        return requested > 0 ? requested : trainedImageSize;
    }

    /** Patch-grid side for a square input of {@code imageSize} pixels (the conv drops leftover pixels). */
    public int grid(int imageSize) {
        return imageSize / patchSize;
    }
}
