package io.musc4j.engine.inspect;

/**
 * The {@link Inspector} got a NaN or infinite feature or score: the model is broken for this input, so
 * the part is neither judged (a NaN compares as NORMAL against any threshold) nor admitted to the bank.
 */
public final class NonFiniteScoreException extends IllegalStateException {

    public NonFiniteScoreException(String message) {
        super(message);
    }
}
