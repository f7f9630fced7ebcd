package io.musc4j.datasets.image;

/** An 8-bit single-channel image, row-major: {@code pixels} holds {@code width·height} bytes. */
public record GrayImage(int width, int height, byte[] pixels) {

    public GrayImage {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("expected " + width * height + " bytes, got " + pixels.length);
        }
    }
}
