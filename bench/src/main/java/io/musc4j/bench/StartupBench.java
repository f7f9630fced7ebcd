package io.musc4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Backbones;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a run pays before any work: the JVM's start up to {@code main} (class data sharing shortens
 * it), then loading libtorch through DJL (the first use on a machine also extracts the natives to
 * {@code ~/.djl.ai}) and the first array op. Prints milliseconds since the JVM started and the number of
 * classes loaded at each point; {@code launcher/startup-check.sh} runs it with and without the
 * launcher's class-data-sharing archive. With a model folder as argument it then loads that backbone's
 * weights onto the CPU, as the first load of a run does, and prints how long that took.
 */
public final class StartupBench {

    private StartupBench() {
    }

    public static void main(String[] args) throws IOException {
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
        if (args.length > 0) {
            Path dir = Path.of(args[0]);
            t = System.nanoTime();
            try (Backbone b = Backbones.load(dir, BackboneOptions.on(ai.djl.Device.cpu()).build())) {
                System.out.printf("weights of %s (%s, %.0f MB of files): loaded in %d ms%n", dir, b.spec().profile(),
                        folderBytes(dir) / 1e6, (System.nanoTime() - t) / 1_000_000);
            }
        }
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
