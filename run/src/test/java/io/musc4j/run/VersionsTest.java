package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class VersionsTest {

    /** The versions a run records are those of the DJL and libtorch this class path loads, for either pair. */
    @Test
    void namesTheLoadedPair() {
        assertEquals(Engine.getDjlVersion(), Versions.DJL);
        assertEquals(Engine.getEngine("PyTorch").getVersion(), Versions.PYTORCH);
        assertEquals("musc4j 0.1.0 (DJL " + Engine.getDjlVersion() + ", PyTorch "
                + Engine.getEngine("PyTorch").getVersion() + ", Java " + Runtime.version() + ")",
                new Versions().getVersion()[0]);
    }
}
