package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmScoring;
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
        assertEquals(MsmScoring.FULL, RunJob.scoring(o.scoring));
        assertEquals(Aggregation.LNAMD, RunJob.aggregation(o.aggregation));
    }

    @Test
    void parsesAlignedWindowsAndSnamd() {
        assertEquals(MsmScoring.aligned(2), RunJob.scoring(parse("--scoring", "aligned:2").scoring));
        assertEquals(MsmScoring.aligned(1), RunJob.scoring(parse("--scoring", "aligned").scoring));
        assertEquals(Aggregation.SNAMD, RunJob.aggregation(parse("--aggregation", "snamd").aggregation));
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
            code = Main.execute("run", "--data", tmp.resolve("missing").toString(), "--format", "folder",
                    "--model", "m", "--out", tmp.resolve("out").toString(), "--scoring", "aligned:-3");
        } finally {
            System.setErr(err);
        }
        assertEquals(1, code);
        assertEquals("musc: --scoring must be full, aligned or aligned:W with an integer W >= 0, got 'aligned:-3'\n",
                captured.toString(StandardCharsets.UTF_8));
    }
}
