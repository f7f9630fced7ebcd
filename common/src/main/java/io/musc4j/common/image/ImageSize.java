package io.musc4j.common.image;

/**
 * An image's own size in pixels, kept beside its S×S network copy so that results can be given back
 * at the size the image came in.
 */
public record ImageSize(int width, int height) {

    public ImageSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }

    /** The size of {@code image}. */
    public static ImageSize of(RgbImage image) {
        return new ImageSize(image.width(), image.height());
    }

    /** {@code WxH}. */
    @Override
    public String toString() {
        return width + "x" + height;
    }
}
