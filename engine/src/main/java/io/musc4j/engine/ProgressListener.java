package io.musc4j.engine;

/**
 * Told how long work is going: the CLI draws progress bars from it, an integrator may log it.
 * Called from the thread doing the work; implementations should return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Stage names reported by musc4j. */
    String FEATURES = "features";
    String SCORING = "scoring";

    /**
     * {@code done} of {@code total} units of {@code stage} are finished ({@code done == total} ends the stage).
     */
    void progress(String stage, long done, long total);

    /** A listener that ignores everything. */
    static ProgressListener none() {
        return (stage, done, total) -> { };
    }
}
