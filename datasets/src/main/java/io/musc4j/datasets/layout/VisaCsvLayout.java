package io.musc4j.datasets.layout;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetException;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The original VisA download: {@code split_csv/1cls.csv} (columns {@code object,split,label,image,mask};
 * label {@code normal} or {@code anomaly}; paths relative to the VisA root) with the images under
 * {@code CATEGORY/Data/Images/{Normal,Anomaly}} and masks under {@code CATEGORY/Data/Masks/Anomaly}.
 *
 * <p>Only the rows with split {@code test} are read, in the order of the CSV: the reference turns the
 * CSV into its {@code meta.json} row by row and reads the images in that order. The defect type is the
 * image's folder ({@code Normal} or {@code Anomaly}), as in the reference's output paths.
 */
final class VisaCsvLayout {

    static final String CSV = "split_csv/1cls.csv";

    private VisaCsvLayout() {
    }

    static boolean applies(Path root) {
        return Files.isRegularFile(root.resolve(CSV));
    }

    /** All categories listed in the CSV, in sorted name order. */
    static List<Category> read(Path root, Warnings warnings) {
        Path csv = root.resolve(CSV);
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(csv + ": cannot read (" + e.getMessage() + ")");
        }
        if (lines.isEmpty()) {
            throw new DatasetException(csv + ": empty file");
        }
        List<String> header = List.of(lines.get(0).trim().toLowerCase(Locale.ROOT).split(",", -1));
        int obj = column(header, "object", csv);
        int split = column(header, "split", csv);
        int label = column(header, "label", csv);
        int image = column(header, "image", csv);
        int mask = column(header, "mask", csv);
        Map<String, List<Sample>> byCategory = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < header.size()) {
                warnings.add(csv + ": line " + (i + 1) + " has " + f.length + " fields, expected " + header.size() + "; skipped");
                continue;
            }
            if (!f[split].trim().equalsIgnoreCase("test")) {
                continue;
            }
            String lab = f[label].trim().toLowerCase(Locale.ROOT);
            if (!lab.equals("normal") && !lab.equals("anomaly")) {
                warnings.add(csv + ": line " + (i + 1) + " has label '" + f[label] + "', expected normal or anomaly; skipped");
                continue;
            }
            boolean anomalous = lab.equals("anomaly");
            Path img = root.resolve(f[image].trim());
            if (!Files.isRegularFile(img)) {
                warnings.add(img + ": listed in " + CSV + " but missing; skipped");
                continue;
            }
            Optional<Path> m = Optional.empty();
            if (anomalous) {
                String mp = f[mask].trim();
                if (!mp.isEmpty() && Files.isRegularFile(root.resolve(mp))) {
                    m = Optional.of(root.resolve(mp));
                } else {
                    warnings.add(img + ": no mask" + (mp.isEmpty() ? "" : " (" + mp + " missing)") + "; its mask is taken as empty");
                }
            }
            String type = img.getParent().getFileName().toString();
            byCategory.computeIfAbsent(f[obj].trim(), k -> new ArrayList<>()).add(new Sample(img,
                    Listing.relative(root, img), type, Listing.stem(img), OptionalInt.of(anomalous ? 1 : 0), m));
        }
        return byCategory.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Category(e.getKey(), root.resolve(e.getKey()), e.getValue()))
                .toList();
    }

    private static int column(List<String> header, String name, Path csv) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new DatasetException(csv + ": no '" + name + "' column (expected object,split,label,image,mask)");
        }
        return i;
    }
}
