package io.musc4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs {@code musc} in this JVM and captures what it prints; the fixture paths the tests use. */
final class Cli {

    static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    static final Path DATA = PARITY.resolve("data");
    static final Path DINOV2 = PARITY.resolve("models/dinov2-tiny");
    static final Path CLIP = PARITY.resolve("models/clip-tiny");
    static final Path DINO = PARITY.resolve("models/dino-tiny");

    /** Exit code and the captured standard output and error of one command. */
    record Outcome(int code, String out, String err) {

        /** The lines of standard error that are not progress bars. */
        String[] errLines() {
            return err.lines().filter(l -> !l.matches("^\\[\\d+/\\d+] .*")).toArray(String[]::new);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** Five brick test images (three good, two defects with masks) copied into {@code data/brick}; returns {@code data}. */
    static Path smallBrick(Path data) throws java.io.IOException {
        Path brick = DATA.resolve("brick");
        for (String f : java.util.List.of("test/good/000.png", "test/good/001.png", "test/good/002.png",
                "test/color/000.png", "test/scratch/000.png", "ground_truth/color/000_mask.png",
                "ground_truth/scratch/000_mask.png")) {
            Path to = data.resolve("brick").resolve(f);
            java.nio.file.Files.createDirectories(to.getParent());
            java.nio.file.Files.copy(brick.resolve(f), to);
        }
        return data;
    }

    /** The one line of a refusal before the model loads (no device line), with exit 1. */
    static String refused(Outcome r) {
        org.junit.jupiter.api.Assertions.assertEquals(1, r.code(), r::toString);
        String[] lines = r.errLines();
        org.junit.jupiter.api.Assertions.assertEquals(1, lines.length, r::toString);
        org.junit.jupiter.api.Assertions.assertFalse(r.err().contains("device") || r.err().contains("Exception"),
                r::toString);
        return lines[0];
    }

    /** {@code musc args...}; one command at a time, since System.out and System.err are swapped. */
    static synchronized Outcome musc(Object... args) {
        String[] argv = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].toString();
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            System.setOut(po);
            System.setErr(pe);
            int code = Main.execute(argv);
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
