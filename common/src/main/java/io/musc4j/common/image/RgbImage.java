package io.musc4j.common.image;

/**
 * An 8-bit RGB image: {@code pixels} holds {@code width·height·3} bytes, row-major, interleaved R, G, B.
 *
 * <p>This is the hand-over point between image decoding (the datasets module) and the network input
 * (this module), so backbones never see a file format.
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " RGB bytes for "
                    + width + "x" + height + ", got " + pixels.length);
        }
    }
}
