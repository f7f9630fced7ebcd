package io.musc4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;

/**
 * What a run pays before any work: the JVM's start up to {@code main} (class data sharing shortens
 * it), then loading libtorch through DJL (the first use on a machine also extracts the natives to
 * {@code ~/.djl.ai}) and the first array op. Prints milliseconds since the JVM started and the number of
 * classes loaded at each point; {@code launcher/startup-check.sh} runs it with and without the
 * launcher's class-data-sharing archive.
 */
public final class StartupBench {

    private StartupBench() {
    }

    public static void main(String[] args) {
        var runtime = ManagementFactory.getRuntimeMXBean();
        var classes = ManagementFactory.getClassLoadingMXBean();
        long atMain = runtime.getUptime();
        int classesAtMain = classes.getLoadedClassCount();
        long t = System.nanoTime();
        Engine engine = Engine.getInstance();
        long engineMs = (System.nanoTime() - t) / 1_000_000;
        t = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager()) {
            m.ones(new ai.djl.ndarray.types.Shape(2, 2)).matMul(m.ones(new ai.djl.ndarray.types.Shape(2, 2))).getFloat(0, 0);
        }
        long firstOpMs = (System.nanoTime() - t) / 1_000_000;
        System.out.printf("JVM start to main %d ms (%d classes loaded); %s %s engine %d ms, first op %d ms; %d classes"
                        + " loaded, %d ms since the JVM started; class data sharing: %s%n", atMain, classesAtMain,
                engine.getEngineName(), engine.getVersion(), engineMs, firstOpMs, classes.getLoadedClassCount(),
                runtime.getUptime(), runtime.getInputArguments().stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile"))
                        ? "archive" : "JDK default");
    }
}
