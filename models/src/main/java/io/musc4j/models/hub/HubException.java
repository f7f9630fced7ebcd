package io.musc4j.models.hub;

/**
 * A model could not be resolved to a local folder. The message is a single line meant for the user:
 * it names the model, the file or folder concerned and what to do about it.
 */
public class HubException extends RuntimeException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
