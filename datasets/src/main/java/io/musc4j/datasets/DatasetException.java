package io.musc4j.datasets;

/**
 * Bad input that leaves nothing sensible to do (no such folder, no category, no readable image).
 * The message is one line naming the file or folder and the problem; the CLI prints only it.
 */
public final class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
