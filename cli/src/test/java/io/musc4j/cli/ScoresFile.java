package io.musc4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code scores.csv} read back: image path → row, in file order. */
record ScoresFile(Map<String, Row> rows) {

    static final String HEADER = "image,label,score,score_rscin,threshold,verdict";

    /** One line of the file. */
    record Row(String image, String label, double score, double scoreRscin, double threshold, String verdict) {
    }

    static ScoresFile read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (!lines.get(0).equals(HEADER)) {
                throw new AssertionError(file + ": unexpected header " + lines.get(0));
            }
            Map<String, Row> rows = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                rows.put(f[0], new Row(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), f[5]));
            }
            return new ScoresFile(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Row> list() {
        return List.copyOf(rows.values());
    }

    double[] scoresRscin() {
        return rows.values().stream().mapToDouble(Row::scoreRscin).toArray();
    }
}
