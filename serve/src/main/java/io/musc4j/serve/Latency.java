package io.musc4j.serve;

/**
 * A Prometheus histogram of answer times (arrival to answer, queueing included), in seconds.
 * Cumulative bucket counts as the exposition format wants them.
 */
final class Latency {

    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final long[] buckets = new long[BOUNDS.length];
    private long count;
    private double sum;

    synchronized void observe(double seconds) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i]++;
            }
        }
        count++;
        sum += seconds;
    }

    /** Cumulative counts per bound, then the count of all, then the sum. */
    record Snapshot(long[] buckets, long count, double sum) {
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(buckets.clone(), count, sum);
    }
}
