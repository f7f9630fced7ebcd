package io.musc4j.batch;

/**
 * A category that cannot be scored as configured (too few images, RsCIN windows larger than the set,
 * scores that are not numbers). The message is one line saying why and what to change; a batch run
 * reports it under the category's name and goes on with the other categories.
 */
public final class CategoryException extends RuntimeException {

    public CategoryException(String message) {
        super(message);
    }
}
