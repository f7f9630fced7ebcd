package io.musc4j.models.preprocess;

import io.musc4j.common.image.PillowResize;
import io.musc4j.common.image.RgbImage;

/**
 * Turns an RGB image into a network input exactly as the reference does (SPEC §1): Pillow resize to
 * S×S (aspect ratio not kept, nothing resampled when already S×S), scale to [0,1] by dividing by 255
 * in float32, then per-channel {@code (x − mean) / std} in float32.
 *
 * <p>The reference ignores Hugging Face's {@code preprocessor_config.json} and so does this class: each
 * architecture has one fixed recipe ({@link #dinov2()}, {@link #clip()}).
 */
public record Preprocessing(PillowResize.Filter filter, float[] mean, float[] std) {

    public Preprocessing {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 channels");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** DINOv2: bilinear resize, ImageNet mean and std. */
    public static Preprocessing dinov2() {
        return new Preprocessing(PillowResize.Filter.BILINEAR,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** CLIP: bicubic resize, OpenAI's mean and std. */
    public static Preprocessing clip() {
        return new Preprocessing(PillowResize.Filter.BICUBIC,
                new float[] {0.48145466f, 0.4578275f, 0.40821073f},
                new float[] {0.26862954f, 0.26130258f, 0.27577711f});
    }

    /** The image resized to {@code size}×{@code size} with this recipe's filter (8-bit, as Pillow returns it). */
    public RgbImage resize(RgbImage image, int size) {
        return PillowResize.resize(image, size, size, filter);
    }

    /** The normalised network input, channel-major (3, size, size) float32. */
    public float[] toInput(RgbImage image, int size) {
        float[] out = new float[3 * size * size];
        toInput(image, size, out, 0);
        return out;
    }

    /**
     * Writes the normalised network input (3, size, size) into {@code out} at {@code offset}, so a batch
     * can be assembled in one buffer without copies.
     */
    public void toInput(RgbImage image, int size, float[] out, int offset) {
        byte[] px = resize(image, size).pixels();
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                // Two float32 operations, as torchvision's ToTensor (div 255) then Normalize (sub, div).
                float x = (px[i * 3 + c] & 0xFF) / 255f;
                out[base + i] = (x - m) / s;
            }
        }
    }
}
