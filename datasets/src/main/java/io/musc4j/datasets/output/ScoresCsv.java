package io.musc4j.datasets.output;

import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a category's {@code scores.csv}: header {@code image,label,score,map_max,threshold,ratio,rule,verdict}
 * ({@link ScoreRow} says what each is), one row per image; the verdict is {@code anomalous} or
 * {@code normal}, decided by {@code map_max > threshold}; ratio = map_max / threshold (empty unless the
 * threshold is positive).
 */
public final class ScoresCsv {

    /** The header line. */
    public static final String HEADER = "image,label,score,map_max,threshold,ratio,rule,verdict";

    private ScoresCsv() {
    }

    /** Writes the rows in the given order; an unknown label is an empty field. */
    public static void write(Path file, List<ScoreRow> rows) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ScoreRow r : rows) {
            sb.append(quote(r.image())).append(',')
                    .append(r.label().isPresent() ? Integer.toString(r.label().getAsInt()) : "").append(',')
                    .append(r.score()).append(',')
                    .append(r.mapMax()).append(',')
                    .append(r.threshold()).append(',')
                    .append(Double.isNaN(r.ratio()) ? "" : String.format(java.util.Locale.ROOT, "%.4f", r.ratio()))
                    .append(',')
                    .append(quote(r.rule())).append(',')
                    .append(r.anomalous() ? "anomalous" : "normal").append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** RFC 4180 quoting, needed only for paths containing commas, quotes or line breaks. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
