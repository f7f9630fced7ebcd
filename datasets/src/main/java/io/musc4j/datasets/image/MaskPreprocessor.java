package io.musc4j.datasets.image;

import io.musc4j.datasets.MaskRule;
import io.musc4j.common.image.PillowResize;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a ground-truth mask file into the S×S 0/1 mask the metrics use, exactly as the reference does.
 *
 * <p>Any non-zero pixel of the file is anomalous: the file is first binarised to 0/255 (the reference's
 * masks already are 0/255 PNGs, so for them this changes nothing; masks stored as 0/1 or as label
 * values would otherwise lose pixels in the resize). If the mask is not S×S it is resized with Pillow's
 * bilinear filter and the {@link MaskRule} of the dataset decides which resized bytes are 1. For MVTec
 * AD that is the reference's truncation quirk (SPEC §1): a pixel is 1 only if its resized byte is
 * exactly 255, so resized masks shrink and thin lines can vanish. It is kept for metric parity.
 * A mask that is already S×S is used as it is, and a sample without a mask (a normal image) gets an
 * all-zero mask.
 */
public final class MaskPreprocessor {

    private MaskPreprocessor() {
    }

    /** The S×S 0/1 mask of {@code maskFile}, or all zeros when there is none. */
    public static byte[] load(Optional<Path> maskFile, int size, MaskRule rule) throws ImageReadException {
        if (maskFile.isEmpty()) {
            return new byte[size * size];
        }
        return toBinary(ImageIo.readBinaryMask(maskFile.get()), size, rule);
    }

    /** Resizes a 0/255 mask to S×S as the reference does and maps it to 0/1 with {@code rule}. */
    public static byte[] toBinary(GrayImage mask, int size, MaskRule rule) {
        byte[] px = mask.pixels();
        if (mask.width() != size || mask.height() != size) {
            px = PillowResize.resize(px, mask.width(), mask.height(), 1, size, size, PillowResize.Filter.BILINEAR);
        }
        byte[] out = new byte[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (rule.anomalous(px[i] & 0xFF) ? 1 : 0);
        }
        return out;
    }
}
