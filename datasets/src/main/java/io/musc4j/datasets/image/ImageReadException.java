package io.musc4j.datasets.image;

import java.io.IOException;

/** An image or mask file that cannot be decoded; the message is one line naming the file. */
public final class ImageReadException extends IOException {

    public ImageReadException(String message) {
        super(message);
    }
}
