package io.musc4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code scores.csv} read back by its documented column names (docs/thresholds.md, "Names"): image path
 * → row, in file order.
 */
record ScoresFile(Map<String, Row> rows) {

    static final String HEADER = "image,label,score,map_max,threshold,ratio,rule,verdict";

    /** One line of the file: score is the final score (after RsCIN), mapMax the map's maximum before it. */
    record Row(String image, String label, double score, double mapMax, double threshold, String rule,
               String verdict) {
    }

    static ScoresFile read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (!lines.get(0).equals(HEADER)) {
                throw new AssertionError(file + ": unexpected header " + lines.get(0));
            }
            List<String> names = Arrays.asList(lines.get(0).split(","));
            Map<String, Row> rows = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                rows.put(f[0], new Row(f[names.indexOf("image")], f[names.indexOf("label")],
                        Double.parseDouble(f[names.indexOf("score")]), Double.parseDouble(f[names.indexOf("map_max")]),
                        Double.parseDouble(f[names.indexOf("threshold")]), f[names.indexOf("rule")],
                        f[names.indexOf("verdict")]));
            }
            return new ScoresFile(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Row> list() {
        return List.copyOf(rows.values());
    }

    double[] scores() {
        return rows.values().stream().mapToDouble(Row::score).toArray();
    }
}
