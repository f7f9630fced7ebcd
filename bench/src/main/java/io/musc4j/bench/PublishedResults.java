package io.musc4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-category results the MuSc authors published for CLIP ViT-L/14-336 at 518 (MVTec AD, VisA,
 * BTAD), in percent, read from {@code published_musc_results.csv} (its header names the source).
 */
record PublishedResults(String dataset, Map<String, double[]> categories, double[] mean) {

    /** Column order of the table and of every row's values; keys as in {@code Metrics.toMap()}. */
    static final List<String> METRICS = List.of("image_auroc", "image_f1_max", "image_ap", "pixel_auroc",
            "pixel_f1_max", "pixel_ap", "pixel_aupro");

    static final String RESOURCE = "published_musc_results.csv";

    /** The published table of {@code dataset} ({@code mvtec}, {@code visa} or {@code btad}). */
    static PublishedResults of(String dataset) {
        String want = dataset.toLowerCase(Locale.ROOT);
        Map<String, double[]> rows = new LinkedHashMap<>();
        double[] mean = null;
        try (InputStream in = PublishedResults.class.getResourceAsStream(RESOURCE);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.startsWith("dataset,") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (!f[0].equals(want)) {
                    continue;
                }
                double[] v = Arrays.stream(f, 2, 2 + METRICS.size()).mapToDouble(Double::parseDouble).toArray();
                if (f[1].equals("mean")) {
                    mean = v;
                } else {
                    rows.put(f[1], v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (mean == null) {
            throw new IllegalArgumentException("no published results for '" + dataset + "' (known: mvtec, visa, btad)");
        }
        return new PublishedResults(want, rows, mean);
    }
}
