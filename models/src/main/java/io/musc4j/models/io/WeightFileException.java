package io.musc4j.models.io;

import java.io.IOException;

/** A weight or config file that cannot be used; the message names the file (and the tensor, if any). */
public class WeightFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line, user-facing message. */
    public WeightFileException(String message) {
        super(message);
    }
}
