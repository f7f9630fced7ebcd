package io.musc4j.engine.inspect;

/** The {@link Inspector}'s judgement of one part. */
public enum Verdict {
    /** The score is at or below the threshold. */
    NORMAL,
    /** The score is above the threshold. */
    ANOMALOUS,
    /** The bank is still filling: the part was scored (if the bank held anything) but not judged. */
    WARMING_UP
}
