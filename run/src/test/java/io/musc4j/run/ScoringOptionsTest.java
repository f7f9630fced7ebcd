package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --scoring} and {@code --aggregation} of {@code musc run}. */
class ScoringOptionsTest {

    private static RunCommand parse(String... extra) {
        RunCommand command = new RunCommand();
        String[] base = {"--data", "d", "--format", "folder", "--model", "m", "--out", "o"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void defaultsAreTheReference() {
        RunCommand o = parse();
        assertEquals(ScoringKernel.FULL, RunJob.scoring(o.scoring));
        assertEquals(Aggregation.LNAMD, RunJob.aggregation(o.aggregation));
    }

    @Test
    void parsesAlignedWindowsAndSnamd() {
        assertEquals(ScoringKernel.aligned(2), RunJob.scoring(parse("--scoring", "aligned:2").scoring));
        assertEquals(ScoringKernel.aligned(1), RunJob.scoring(parse("--scoring", "aligned").scoring));
        assertEquals(Aggregation.SNAMD, RunJob.aggregation(parse("--aggregation", "snamd").aggregation));
    }

    @Test
    void theOptionsBecomeOneConfiguration() {
        MuscConfig c = new RunJob(parse("--device", "gpu:1", "--degrees", "1,3", "--layers", "2,5", "--batch", "2",
                "--precision", "fp16", "--divide", "2", "--divide-mode", "sequential", "--interval", "0.1,0.4",
                "--image-size", "448", "--scoring", "aligned:2", "--rscin", "off")).configuration(DatasetFormat.FOLDER);
        assertEquals("{\"model\":\"m\",\"image_size\":448,\"layers\":[2,5],\"degrees\":[1,3],"
                + "\"interval\":[0.1,0.4],\"scoring\":\"aligned:2\",\"aggregation\":\"lnamd\",\"rscin\":\"off\","
                + "\"divide\":2,\"divide_mode\":\"sequential\",\"divide_seed\":42,\"batch\":2,\"device\":\"gpu:1\","
                + "\"precision\":\"fp16\",\"memory_budget_bytes\":1073741824}", c.describe());
        assertEquals(Device.gpu(1), c.device().resolve(2), "the GPU index reaches the device");
        assertEquals(RscinWindows.Family.VISA.windows(),
                new RunJob(parse()).configuration(DatasetFormat.VISA).rscin(), "VisA's default windows");
    }

    @Test
    void aBadOptionIsNamedBeforeAnythingIsRead() {
        assertEquals("--degrees: aggregation degrees must be odd and >= 1, got 2", assertThrows(
                IllegalArgumentException.class, () -> new RunJob(parse("--degrees", "1,2"))
                        .configuration(DatasetFormat.FOLDER)).getMessage());
        assertEquals("--device: device must be auto, cpu, gpu or gpu:N with N >= 0, got 'gpu1'", assertThrows(
                IllegalArgumentException.class, () -> new RunJob(parse("--device", "gpu1"))
                        .configuration(DatasetFormat.FOLDER)).getMessage());
        assertEquals("--precision: fp16 precision needs a CUDA device; the device is cpu", assertThrows(
                IllegalArgumentException.class, () -> new RunJob(parse("--device", "cpu", "--precision", "fp16"))
                        .configuration(DatasetFormat.FOLDER)).getMessage());
        assertEquals("--layers: layer 3 is listed twice", assertThrows(IllegalArgumentException.class,
                () -> new RunJob(parse("--layers", "3,3")).configuration(DatasetFormat.FOLDER)).getMessage());
    }

    @Test
    void badValuesAreOneLineErrors(@TempDir Path tmp) {
        assertEquals("--scoring must be full, aligned or aligned:W with an integer W >= 0, got 'aligned:two'",
                assertThrows(IllegalArgumentException.class, () -> RunJob.scoring("aligned:two")).getMessage());
        assertEquals("--aggregation must be lnamd or snamd, got 'max'",
                assertThrows(IllegalArgumentException.class, () -> RunJob.aggregation("max")).getMessage());

        // through the command: rejected before any dataset or model is read, one line on stderr
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // as Main runs it: picocli with the one-line error handler
            code = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors()).execute("--data", tmp.resolve("missing").toString(), "--format", "folder",
                    "--model", "m", "--out", tmp.resolve("out").toString(), "--scoring", "aligned:-3");
        } finally {
            System.setErr(err);
        }
        assertEquals(1, code);
        assertEquals("musc: --scoring must be full, aligned or aligned:W with an integer W >= 0, got 'aligned:-3'\n",
                captured.toString(StandardCharsets.UTF_8));
    }
}
