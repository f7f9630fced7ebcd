package io.musc4j.engine;

/**
 * The hook {@link MuscPipeline} calls as its stages end, so that a caller can time them without running
 * them itself (the speed benchmark, the inspector's per-call timing). The time since the previous call
 * (or since the run began) is the stage's.
 *
 * <p>By default the pipeline streams aggregation into scoring (a unit's features are computed chunk by
 * chunk as the scorer reads them), so their time arrives as {@link Stage#SCORING} alone. A listener that
 * {@link #separatesStages} makes the pipeline compute each unit's features whole first (a chunk of images
 * at a time, as the scorer would read them) and wait for the device at every stage end: then
 * {@link Stage#AGGREGATION} and {@link Stage#SCORING} arrive apart, at the cost of one unit's features in
 * memory. The numbers are the same either way.
 */
public interface StageListener {

    /** The stages, in the order the pipeline runs them. */
    enum Stage {
        /** The backbone's tokens of the images. */
        BACKBONE,
        /** LNAMD or SNAMD features of one unit (a layer or a pass). */
        AGGREGATION,
        /** Patch scoring of one unit (with its aggregation, where streamed). */
        SCORING,
        /** Averaging over layers and feature sets, pixel maps and their maxima. */
        MAPS,
        /** RsCIN over the whole set. */
        RESCORING
    }

    /** {@code stage} has just ended (for one unit, or for the set). */
    void finished(Stage stage);

    /** Whether the stages are to be run apart and waited for, so that each can be timed on its own. */
    default boolean separatesStages() {
        return false;
    }

    /** A listener that ignores everything. */
    static StageListener none() {
        return stage -> { };
    }
}
