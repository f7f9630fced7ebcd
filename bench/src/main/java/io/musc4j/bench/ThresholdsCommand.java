package io.musc4j.bench;

import io.musc4j.common.io.Npy;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.threshold.ThresholdRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc bench thresholds}: how the label-free threshold rules decide categories whose defect share
 * runs from rare to most.
 */
@Command(name = "thresholds", mixinStandardHelpOptions = true,
        description = "F1 of each label-free threshold rule beside F1-max, at defect shares from 2 to 70 %%.")
final class ThresholdsCommand implements Callable<Integer> {

    @Option(names = "--parity", defaultValue = "testdata/parity", description = "the parity fixtures folder")
    Path parity;
    @Option(names = "--shares", split = ",", defaultValue = "2,5,10,33,50,70", description = "defect shares, %")
    int[] shares;
    @Option(names = "--models", split = ",", defaultValue = "dinov2-tiny,clip-tiny",
            description = "backbones, folders under PARITY/models")
    List<String> models;
    @Option(names = "--rules", split = ",", defaultValue = "mixture:3,mad:3,rate:0.1",
            description = "the rules compared, each on map_max")
    List<String> rules;
    @Option(names = "--out", description = "also write the table (Markdown) to this file")
    Path out;
    @Option(names = "--dump", description = "also write each case's labels, scores and maps (.npy) here")
    Path dump;

    @Override
    public Integer call() throws Exception {
        Path scratch = Files.createTempDirectory("musc-thresholds");
        List<ThresholdCases.Pool> pools = new ArrayList<>();
        try {
            pools.add(ThresholdCases.brick(parity));
            pools.addAll(ThresholdCases.textures(scratch));
        } finally {
            SyntheticCategory.deleteTree(scratch);
        }
        List<ThresholdCases.Case> cases = new ArrayList<>();
        for (String model : models) {
            try (MuSc musc = ThresholdCases.musc(parity.resolve("models").resolve(model))) {
                for (ThresholdCases.Pool pool : pools) {
                    for (int share : shares) {
                        long t = System.nanoTime();
                        ThresholdCases.Case c = ThresholdCases.score(musc, model, pool, share);
                        cases.add(c);
                        System.err.printf(Locale.ROOT, "musc bench: %s %s %d %% (%d of %d) in %.1f s%n", model,
                                pool.name(), share, c.defective(), c.labels().length, (System.nanoTime() - t) / 1e9);
                        if (dump != null) {
                            write(dump.resolve(model + "_" + pool.name() + "_" + share), c);
                        }
                    }
                }
            }
        }
        List<ThresholdRule> parsed = rules.stream().map(ThresholdRule::parse).toList();
        String table = ThresholdTable.render(cases, parsed);
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table);
        }
        return 0;
    }

    private static void write(Path dir, ThresholdCases.Case c) throws java.io.IOException {
        Files.createDirectories(dir);
        double[] labels = new double[c.labels().length];
        double[] score = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = c.labels()[i];
            score[i] = c.score()[i];
        }
        Npy.writeDoubles(dir.resolve("labels.npy"), labels, labels.length);
        Npy.writeDoubles(dir.resolve("map_max.npy"), c.mapMax(), labels.length);
        Npy.writeDoubles(dir.resolve("score.npy"), score, labels.length);
        int s = (int) Math.round(Math.sqrt(c.maps()[0].length));
        int step = 4;
        int t = s / step;
        float[] small = new float[labels.length * t * t];
        for (int i = 0; i < labels.length; i++) {
            for (int y = 0; y < t; y++) {
                for (int x = 0; x < t; x++) {
                    small[(i * t + y) * t + x] = c.maps()[i][(y * step) * s + x * step];
                }
            }
        }
        Npy.writeFloats(dir.resolve("maps.npy"), small, labels.length, t, t);
    }
}
