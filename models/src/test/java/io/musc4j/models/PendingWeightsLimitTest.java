package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The direct-memory limit that weights are read ahead against is the JVM's. The tests' JVM does not set
 * {@code -XX:MaxDirectMemorySize}, so it is the JDK's default, the heap's maximum.
 */
class PendingWeightsLimitTest {

    @Test
    void withoutAnOptionTheLimitIsTheHeapsMaximum() {
        assertEquals(Runtime.getRuntime().maxMemory(), PendingWeights.directMemoryLimit());
    }
}
