package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights are read ahead within half of the JVM's direct-memory limit ({@link PendingWeights}), the rest
 * copied from the mapped file. A JVM whose limit (1 MiB) is below the fixture's weights (1.8 MB) loads
 * the backbone and gives the tokens this JVM gives; reading ahead without the budget ended such a JVM
 * with "Cannot reserve ... bytes of direct buffer memory".
 */
class ReadAheadBudgetTest {

    private static final Path MODEL = BackboneParityTest.PARITY.resolve("models").resolve("dinov2-tiny");
    private static final long LIMIT = 1L << 20;

    @Test
    void aJvmWithLessDirectMemoryThanTheWeightsLoadsThem(@TempDir Path tmp) throws Exception {
        Path result = tmp.resolve("tokens.bin");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=" + LIMIT, "-Dai.djl.offline=true", "-Dmusc4j.testdata="
                + System.getProperty("musc4j.testdata"), "-cp", System.getProperty("java.class.path"),
                ReadAheadBudgetTest.class.getName(), result.toString()).redirectErrorStream(true);
        Process child = pb.start();
        String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(300, TimeUnit.SECONDS) && child.exitValue() == 0, log);
        assertTrue(log.contains("direct-memory limit " + LIMIT), log);
        float[] there;
        try (InputStream in = Files.newInputStream(result); DataInputStream d = new DataInputStream(in)) {
            there = new float[d.readInt()];
            for (int i = 0; i < there.length; i++) {
                there[i] = d.readFloat();
            }
        }
        assertArrayEquals(tokens(), there);
    }

    /** Without the option, the limit is the JDK's default: the heap's maximum (the tests' -Xmx). */
    @Test
    void withoutTheOptionTheLimitIsTheHeapsMaximum() {
        assertEquals(Runtime.getRuntime().maxMemory(), PendingWeights.directMemoryLimit());
    }

    /** The child: prints its limit, writes the tokens of block 3 for a seeded image to args[0]. */
    public static void main(String[] args) throws Exception {
        System.out.println("direct-memory limit " + PendingWeights.directMemoryLimit());
        float[] t = tokens();
        try (OutputStream out = Files.newOutputStream(Path.of(args[0])); DataOutputStream d = new DataOutputStream(out)) {
            d.writeInt(t.length);
            for (float v : t) {
                d.writeFloat(v);
            }
        }
    }

    /** dinov2-tiny, loaded for the CPU in float32 (the read-ahead route), on one seeded 56×56 image. */
    private static float[] tokens() throws Exception {
        float[] image = new float[3 * 56 * 56];
        Random random = new Random(7);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        try (Backbone bb = Backbones.load(MODEL, BackboneOptions.on(Device.cpu()).build());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return bb.forward(m.create(image, new Shape(1, 3, 56, 56)), new int[] {3}).tokens().get(0).toFloatArray();
        }
    }
}
