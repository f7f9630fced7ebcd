package io.musc4j.run;

/** The exit status of {@code musc run} (and of the Spark job with the same options). */
public final class ExitCodes {

    /** Every category scored (or the command succeeded). */
    public static final int OK = 0;
    /** Bad input, model or output folder, or no category could be scored. */
    public static final int ERROR = 1;
    /** The command line does not parse. */
    public static final int USAGE = 2;
    /** Some categories could not be scored; the others' results are complete. */
    public static final int SOME_CATEGORIES_FAILED = 3;

    private ExitCodes() {
    }
}
