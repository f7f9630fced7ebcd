package io.musc4j.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;

/**
 * Failures injected into tasks, to prove that Spark's retries and the atomic outputs leave the results
 * unchanged. Off unless the driver sets the job-local property {@value #PROPERTY} (tests do; the
 * command line never does) to {@code POINT[:CATEGORY]:once|always}: {@code once} fails the first
 * attempt of the job's first task, {@code always} every attempt of every task at that point.
 */
final class Faults {

    static final String PROPERTY = "musc4j.inject.failure";

    /** Failures injected in this JVM (local mode runs the tasks in the test's JVM). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private Faults() {
    }

    /** Fails here if the running task was told to. */
    static void check(String point, String category) {
        TaskContext task = TaskContext.get();
        String spec = task == null ? null : task.getLocalProperty(PROPERTY);
        if (spec == null) {
            return;
        }
        String[] parts = spec.split(":");
        if (!parts[0].equals(point) || (parts.length == 3 && !parts[1].equals(category))) {
            return;
        }
        boolean always = parts[parts.length - 1].equals("always");
        if (always || (task.attemptNumber() == 0 && task.partitionId() == 0)) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure at " + point + " (attempt " + task.attemptNumber() + ")");
        }
    }
}
