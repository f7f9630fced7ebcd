package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code bench gpu-check --device cpu} as CI runs it: in a JVM of its own whose classpath has no
 * OpenCV (as on a GPU machine with the kit), the whole check runs, compares two independent CPU
 * pipelines stage by stage, and never loads an image-I/O class.
 */
class GpuCheckCommandTest {

    @Test
    void runsTheWholeCheckOnTheCpuWithoutOpenCv() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("opencv")).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx1g",
                "-verbose:class", "-Dai.djl.offline=true", "-cp", classpath, BenchMain.class.getName(), "gpu-check",
                "--device", "cpu", "--parity-images", "12", "--images", "6", "--bank", "4", "--parts", "2",
                "--peak-size", "256"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("THP_MEM_ALLOC_ENABLE", "1");
        // a toy shape gains nothing from threads, and on a shared CI machine idle OpenMP threads spin
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        String report = out.lines().filter(l -> !l.startsWith("[")).collect(Collectors.joining("\n"));
        assertEquals(0, code, report);
        assertTrue(report.contains("fp32 parity: max|Δscore| 0.000e+00, max|Δmap| 0.000e+00 (limit 1e-04): PASS"), report);
        // two pipelines with the same weights on the same device agree exactly at every stage
        Matcher stage = Pattern.compile("^(tokens|LNAMD|MSM|patch map|pixel maps|scores)\\b.*?\\s(\\d\\.\\d{3}e[-+]\\d\\d)\\s+(\\d\\.\\d{3}e[-+]\\d\\d)$",
                Pattern.MULTILINE).matcher(report);
        int stages = 0;
        while (stage.find()) {
            stages++;
            assertEquals(0.0, Double.parseDouble(stage.group(2)), stage.group());
            assertTrue(Double.parseDouble(stage.group(3)) > 0, "a stage of only zeros compares nothing: " + stage.group());
        }
        assertEquals(4 + 4 * 3 + 4 * 3 + 4, stages, report); // tokens, LNAMD, MSM per tap/degree; patch/pixel maps, 2 scores
        for (String section : List.of("== speed: N=6", "== inspector: tiny at 112, M=4", "MSM products:",
                "whole pipeline (MuSc.scoreImages", "memory plan: scoring peak", "image AUROC", "RSS in use:")) {
            assertTrue(report.contains(section), section + " missing:\n" + report);
        }
        for (String banned : List.of("org.opencv", "io.musc4j.datasets.image", "io.musc4j.datasets.Datasets")) {
            assertFalse(out.contains(banned), "gpu-check loaded " + banned);
        }
    }

    @Test
    void fp16OnTheCpuIsAOneLineError() {
        Result r = run("gpu-check", "--device", "cpu", "--precision", "fp16");
        assertEquals(1, r.code);
        assertEquals("musc bench: --precision: fp16 precision needs a CUDA device; the device is cpu", r.message());
    }

    @Test
    void aGpuDjlDoesNotSeeIsAOneLineError() {
        Result r = run("gpu-check", "--device", "gpu:1");
        assertEquals(1, r.code);
        assertTrue(r.message().startsWith("musc bench: --device gpu:1: DJL sees 0 GPU(s)"), r.err);
    }

    @Test
    void anUnknownDeviceIsAOneLineError() {
        Result r = run("gpu-check", "--device", "tpu");
        assertEquals(1, r.code);
        assertEquals("musc bench: --device: expected cpu, gpu or gpu:K, got 'tpu'", r.message());
    }

    private record Result(int code, String out, String err) {
        /** What the command itself wrote to stderr (DJL's log lines aside): one line. */
        String message() {
            List<String> own = err.lines().filter(l -> l.startsWith("musc bench:")).toList();
            assertEquals(1, own.size(), err);
            return own.get(0);
        }
    }

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = BenchMain.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
