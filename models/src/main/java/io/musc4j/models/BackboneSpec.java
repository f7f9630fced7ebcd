package io.musc4j.models;

/**
 * What a loaded backbone is.
 *
 * @param architecture     DINOv2 or CLIP
 * @param patchSize        patch side in pixels
 * @param hiddenSize       token width C of the tapped tokens
 * @param blocks           number of transformer blocks; taps are 0-based indices below this
 * @param trainedImageSize input size the position embedding was trained for
 * @param featureDim       width D of the image feature used by RsCIN (C for DINOv2, projection_dim for CLIP)
 */
public record BackboneSpec(Architecture architecture, int patchSize, int hiddenSize, int blocks,
        int trainedImageSize, int featureDim) {

    /**
     * Four evenly spaced blocks ending at the last: tap i (i = 0..3) is ⌊(i+1)·n/4⌋ − 1, duplicates
     * removed (24 → 5,11,17,23; 12 → 2,5,8,11; 8 → 1,3,5,7; 6 → 0,2,3,5; fewer than 4 blocks → all).
     */
    public int[] defaultTaps() {
        return java.util.stream.IntStream.rangeClosed(1, 4).map(i -> i * blocks / 4 - 1)
                .filter(t -> t >= 0).distinct().toArray();
    }

    /** Patch-grid side for a square input of {@code imageSize} pixels (the conv drops leftover pixels). */
    public int grid(int imageSize) {
        return imageSize / patchSize;
    }
}
