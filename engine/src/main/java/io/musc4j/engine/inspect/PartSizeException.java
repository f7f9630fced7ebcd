package io.musc4j.engine.inspect;

/**
 * A part of another size than the first a {@link TiledInspector} saw, whose grid its banks hold. Thrown
 * before anything changes: the caller may refuse the part and go on with the next.
 */
public final class PartSizeException extends IllegalArgumentException {

    public PartSizeException(String message) {
        super(message);
    }
}
