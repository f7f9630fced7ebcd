package io.musc4j.datasets.image;

import io.musc4j.models.preprocess.PillowResize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a ground-truth mask file into the S×S 0/1 mask the metrics use, exactly as the reference does.
 *
 * <p>Any non-zero pixel of the file is anomalous: the file is first binarised to 0/255 (the reference's
 * masks already are 0/255 PNGs, so for them this changes nothing). If the mask is not S×S it is resized
 * with Pillow's bilinear filter and a pixel is 1 only if its resized byte is exactly 255. That is the
 * reference's truncation quirk (SPEC §1): only pixels whose whole filter window lies inside the mask
 * survive, so resized masks shrink and thin lines can vanish. It is kept for metric parity.
 * A sample without a mask (a normal image) gets an all-zero mask.
 */
public final class MaskPreprocessor {

    private MaskPreprocessor() {
    }

    /** The S×S 0/1 mask of {@code maskFile}, or all zeros when there is none. */
    public static byte[] load(Optional<Path> maskFile, int size) throws ImageReadException {
        if (maskFile.isEmpty()) {
            return new byte[size * size];
        }
        return toBinary(ImageIo.readBinaryMask(maskFile.get()), size);
    }

    /** Resizes a 0/255 mask to S×S as the reference does and maps it to 0/1 (255 → 1, else 0). */
    public static byte[] toBinary(GrayImage mask, int size) {
        byte[] px = mask.pixels();
        if (mask.width() != size || mask.height() != size) {
            px = PillowResize.resize(px, mask.width(), mask.height(), 1, size, size, PillowResize.Filter.BILINEAR);
        }
        byte[] out = new byte[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((px[i] & 0xFF) == 255 ? 1 : 0);
        }
        return out;
    }
}
