package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends in one line on stderr, {@code musc: <what is wrong>}, a non-zero exit code and no stack trace. */
class BadInputTest {

    @TempDir
    Path tmp;

    /** {@code musc run} on the brick fixture with the DINOv2 model, the given options replacing or adding. */
    private Cli.Outcome run(Object... extra) {
        List<Object> args = new ArrayList<>(List.of("run", "--data", Cli.DATA, "--format", "mvtec", "--category",
                "brick", "--model", Cli.DINOV2, "--out", tmp.resolve("out")));
        for (int i = 0; i < extra.length; i += 2) {
            int at = args.indexOf(extra[i]);
            if (at >= 0) {
                args.set(at + 1, extra[i + 1]);
            } else {
                args.add(extra[i]);
                args.add(extra[i + 1]);
            }
        }
        return Cli.musc(args.toArray());
    }

    /** Asserts the one-line error and returns it. */
    private static String oneLineError(Cli.Outcome r) {
        assertNotEquals(0, r.code(), r::toString);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
        String[] lines = r.errLines();
        assertEquals(1, lines.length, r::toString);
        assertTrue(lines[0].startsWith("musc: "), r::toString);
        return lines[0];
    }

    @Test
    void missingDataFolder() {
        Path nowhere = tmp.resolve("nowhere");
        String e = oneLineError(run("--data", nowhere));
        assertTrue(e.contains(nowhere.toString()) && e.contains("no such folder"), e);
    }

    @Test
    void unknownCategoryListsTheFoundOnes() {
        String e = oneLineError(run("--category", "tile"));
        assertTrue(e.contains("'tile'") && e.contains("brick, brick256"), e);
    }

    @Test
    void unknownFormatIsAUsageError() {
        Cli.Outcome r = run("--format", "kitti");
        String e = oneLineError(r);
        assertEquals(2, r.code());
        assertTrue(e.contains("--format") && e.contains("kitti") && e.contains("mvtec") && e.contains("--help"), e);
    }

    @Test
    void modelFolderWithoutSafetensors() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("config-only"));
        Files.copy(Cli.DINOV2.resolve("config.json"), model.resolve("config.json"));
        String e = oneLineError(run("--model", model));
        assertTrue(e.contains(model.toString()) && e.contains("model.safetensors"), e);
    }

    @Test
    void pickleOnlyModelFolderIsRefused() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("pickle"));
        Files.copy(Cli.DINOV2.resolve("config.json"), model.resolve("config.json"));
        Files.write(model.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        String e = oneLineError(run("--model", model));
        assertTrue(e.contains("pytorch_model.bin") && e.contains("model.safetensors"), e);
    }

    @Test
    void layerBeyondTheLastBlock() {
        String e = oneLineError(run("--layers", "1,8"));
        assertTrue(e.contains("layer 8") && e.contains("0..7"), e);
    }

    @Test
    void evenDegree() {
        String e = oneLineError(run("--degrees", "1,2"));
        assertTrue(e.contains("--degrees") && e.contains("2"), e);
    }

    @Test
    void rscinGarbage() {
        String e = oneLineError(run("--rscin", "one,two"));
        assertTrue(e.contains("--rscin") && e.contains("one,two"), e);
    }

    @Test
    void tooManySubsets() {
        String e = oneLineError(run("--divide", "20"));
        assertTrue(e.contains("brick") && e.contains("18 images") && e.contains("20"), e);
    }

    @Test
    void gpuWithoutAUsableGpu() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a usable GPU");
        String e = oneLineError(run("--device", "gpu"));
        assertTrue(e.contains("GPU") && e.contains("cpu"), e);
    }

    /** surefire sets HF_HUB_OFFLINE=1 and points HF_HUB_CACHE at an empty folder (cli/pom.xml). */
    @Test
    void hubIdOfflineWithAnEmptyCacheSaysWhereFilesGo() {
        String cache = System.getenv("HF_HUB_CACHE");
        assumeTrue("1".equals(System.getenv("HF_HUB_OFFLINE")) && cache != null, "needs surefire's environment");
        assumeTrue(!Files.exists(Path.of(cache, "models--facebook--dinov2-small")), "cache not empty");
        String e = oneLineError(run("--model", "facebook/dinov2-small"));
        assertTrue(e.contains("facebook/dinov2-small") && e.contains(cache) && e.contains("--model DIR"), e);
    }

    @Test
    void thresholdRuleGarbage() {
        assertEquals("musc: --threshold: expected mixture[:K], mad[:K], fixed:X or rate:P, got 'median'",
                oneLineError(run("--threshold", "median")));
        assertEquals("musc: --pixel-threshold: rate:P needs 0 < P < 1 (a fraction, e.g. rate:0.05), got 5",
                oneLineError(run("--pixel-threshold", "rate:5")));
    }

    @Test
    void aMissingDataFolderLeavesNoOutputFolderBehind() {
        Path nowhere = tmp.resolve("nowhere");
        oneLineError(run("--data", nowhere));
        assertFalse(Files.exists(tmp.resolve("out")), "nothing is created before the input is found");
    }

    @Test
    void imageSizeBeyondTheLimitIsRefusedBeforeTheModelLoads() {
        Cli.Outcome r = run("--image-size", "100000");
        assertEquals("musc: --image-size must be between 1 and 2048 pixels, got 100000", oneLineError(r));
        assertFalse(r.err().contains("device"), "before the model loads");
    }

    /** A model whose patch-embedding bias is NaN: every score is NaN, and the message names model and image. */
    @Test
    void nanScoresNameTheModelAndTheImage() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("nan-model"));
        Files.copy(Cli.DINOV2.resolve("config.json"), model.resolve("config.json"));
        byte[] st = Files.readAllBytes(Cli.DINOV2.resolve("model.safetensors"));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        com.google.gson.JsonObject header = com.google.gson.JsonParser.parseString(
                new String(st, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
        com.google.gson.JsonArray at = header.getAsJsonObject("embeddings.patch_embeddings.projection.bias")
                .getAsJsonArray("data_offsets");
        for (int p = 8 + headerLength + at.get(0).getAsInt(); p < 8 + headerLength + at.get(1).getAsInt(); p += 4) {
            b.putFloat(p, Float.NaN);
        }
        Files.write(model.resolve("model.safetensors"), st);
        Cli.Outcome r = run("--model", model, "--image-size", "112", "--heatmaps", "none");
        assertEquals(1, r.code(), r::toString);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
        assertTrue(r.err().contains("musc: brick: not scored: model " + model + " gives a NaN score for "
                + "brick/test/color/000.png"), r::toString);
        assertTrue(r.err().contains("musc: 1 of 1 categories not scored: brick"), r::toString);
    }

    @Test
    void helpReadsWell() {
        Cli.Outcome top = Cli.musc("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("run ") && top.out().contains("demo ") && top.out().contains("musc demo"), top::toString);
        assertTrue(top.out().contains("bench ") && top.out().contains("./musc bench --help"), top::toString);
        Cli.Outcome run = Cli.musc("run", "--help");
        assertEquals(0, run.code());
        String h = run.out();
        assertTrue(h.contains("--data=ROOT") && h.contains("--category=NAME[,NAME...]|ALL")
                && h.contains("--degrees=R,...") && h.contains("(default: 1,3,5)") && h.contains("report.html"), h);
        assertFalse(h.contains("[,1,3,5...]") || h.contains("[,i,j"), h);
        String flat = h.replaceAll("\\s+", " ");
        for (String says : List.of("Higher scores mean more anomalous", "score (the final score, after RsCIN",
                "verdict (anomalous when map_max > threshold, else normal)", "Exit codes: 0 every category scored",
                "3 some categories could not be scored", "HF_HUB_CACHE", "HF_HUB_OFFLINE=1", "HF_TOKEN", "JAVA_OPTS",
                "MUSC_CUDA=1", "--threshold=RULE", "mad:K", "rate:P", "--save-masks", "(default: whole)")) {
            assertTrue(flat.contains(says), "run --help says " + says + ":\n" + h);
        }
    }
}
