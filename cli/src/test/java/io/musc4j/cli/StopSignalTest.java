package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run stopped by SIGTERM or SIGINT (Ctrl-C) says so and removes the category it was staging. */
class StopSignalTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aStoppedRunSaysSoAndLeavesNoStagingFolder(String signal) throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "POSIX signals");
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "io.musc4j.cli.Main", "run", "--data", Cli.DATA.toString(), "--format", "mvtec", "--model",
                Cli.DINOV2.toString(), "--image-size", "224", "--out", out.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            Path staging = out.resolve(".brick.musc4j-staging");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(staging) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(staging), "the run reached its staging folder");
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run stops");
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertTrue(stderr.contains("musc: stopped; the unfinished results of brick were removed (finished categories "
                    + "are kept; run again with --resume to go on)"), stderr);
            assertFalse(Files.exists(staging), "no staging folder left");
            assertEquals(List.of(), List.of(out.toFile().list()).stream().filter(n -> n.contains("musc4j-")
                    && !n.equals(".musc4j-manifest")).toList());
        } finally {
            p.destroyForcibly();
        }
    }
}
