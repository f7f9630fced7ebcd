package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads what a run wrote and measures how far two runs' numbers are apart. */
final class Outputs {

    private Outputs() {
    }

    /** scores.csv of a category: image → {map_max, score}, read by the documented column names. */
    static Map<String, double[]> scores(Path categoryOut) throws IOException {
        List<String> lines = Files.readAllLines(categoryOut.resolve("scores.csv"));
        assertEquals("image,label,score,map_max,threshold,ratio,rule,verdict", lines.get(0));
        List<String> names = List.of(lines.get(0).split(","));
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rows.put(f[0], new double[] {Double.parseDouble(f[names.indexOf("map_max")]),
                Double.parseDouble(f[names.indexOf("score")])});
        }
        return rows;
    }

    /** Largest difference of scores and RsCIN scores, image by image (the same images in both). */
    static double scoreDifference(Path a, Path b) throws IOException {
        Map<String, double[]> x = scores(a);
        Map<String, double[]> y = scores(b);
        assertEquals(x.keySet(), y.keySet(), "images of " + a + " and " + b);
        assertTrue(x.size() >= 2);
        double d = 0;
        for (String k : x.keySet()) {
            d = Math.max(d, Math.abs(x.get(k)[0] - y.get(k)[0]));
            d = Math.max(d, Math.abs(x.get(k)[1] - y.get(k)[1]));
        }
        return d;
    }

    /** Largest difference of the saved pixel maps (maps/**.npy), which must be the same files. */
    static double mapDifference(Path a, Path b) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(a.resolve("maps"))) {
            files = s.filter(p -> p.toString().endsWith(".npy")).map(a::relativize).sorted().toList();
        }
        try (Stream<Path> s = Files.walk(b.resolve("maps"))) {
            assertEquals(files, s.filter(p -> p.toString().endsWith(".npy")).map(b::relativize).sorted().toList());
        }
        assertTrue(!files.isEmpty());
        double d = 0;
        for (Path f : files) {
            double[] x = Npy.read(a.resolve(f)).toDoubles();
            double[] y = Npy.read(b.resolve(f)).toDoubles();
            assertEquals(x.length, y.length);
            for (int i = 0; i < x.length; i++) {
                d = Math.max(d, Math.abs(x[i] - y[i]));
            }
        }
        return d;
    }

    /** Largest difference of the category's metrics in metrics.json (all seven present in both). */
    static double metricsDifference(Path outA, Path outB, String category) throws IOException {
        JsonObject x = metrics(outA, category);
        JsonObject y = metrics(outB, category);
        assertEquals(x.keySet(), y.keySet());
        assertTrue(x.size() >= 7, "metrics " + x.keySet());
        double d = 0;
        for (String k : x.keySet()) {
            d = Math.max(d, Math.abs(x.get(k).getAsDouble() - y.get(k).getAsDouble()));
        }
        return d;
    }

    static JsonObject metrics(Path out, String category) throws IOException {
        return JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject()
                .getAsJsonObject("categories").getAsJsonObject(category);
    }

    /**
     * What a category.json says of the images (inputs, decision, entries with their regions, metrics):
     * all but its timings and its configuration, which names the data as each runner was given it.
     */
    static JsonObject results(Path file) throws IOException {
        JsonObject o = json(file);
        List.copyOf(o.keySet()).stream().filter(k -> k.startsWith("timings") || k.equals("config")).forEach(o::remove);
        return o;
    }

    static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    /** Every file under {@code folder}, relative, sorted. */
    static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }
}
