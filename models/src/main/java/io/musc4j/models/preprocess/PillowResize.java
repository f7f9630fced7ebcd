package io.musc4j.models.preprocess;

/** Placeholder: the exact port of Pillow's resampling lands in the preprocessing change. */
public final class PillowResize {

    /** Pillow's resampling filters used by the reference. */
    public enum Filter { BILINEAR, BICUBIC }

    private PillowResize() {
    }

    /**
     * Resizes interleaved 8-bit pixels ({@code channels} = 1 or 3) exactly as Pillow 9.4's
     * {@code Image.resize((outWidth, outHeight), filter)} does (SPEC §1a). Returns {@code pixels}
     * itself when the size does not change, as torchvision does.
     */
    public static byte[] resize(byte[] pixels, int width, int height, int channels,
                                int outWidth, int outHeight, Filter filter) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
