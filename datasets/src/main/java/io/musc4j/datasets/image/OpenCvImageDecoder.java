package io.musc4j.datasets.image;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import java.nio.file.Path;

/** {@link ImageIo}'s OpenCV decoding as the engine's {@link ImageDecoder} service. */
public final class OpenCvImageDecoder implements ImageDecoder {

    @Override
    public RgbImage decode(Path file) throws ImageReadException {
        return ImageIo.readRgb(file);
    }
}
