package io.musc4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options {@code musc run} gains on Spark; everything else on the command line is
 * {@code musc run}'s own.
 *
 * @param master the Spark master URL ({@code --spark}), or null when spark-submit sets it
 * @param mode how categories are spread over the cluster
 * @param queryBlock query images (tiles, in a tiled run) per MSM task in split mode; 0 chooses from the
 *     memory and the cores
 * @param partitionImages images (tiles, in a tiled run) per feature task in split mode; 0 chooses
 * @param work the folder in whose {@code .musc4j-work} split mode keeps its feature chunks (default:
 *     OUT); must be shared by all executors
 * @param keepFeatures keep the feature chunks after a category is done
 */
record SparkOptions(String master, Mode mode, int queryBlock, int partitionImages, String work, boolean keepFeatures)
        implements Serializable {

    /** How categories are spread over the cluster. */
    enum Mode {
        /** One task per category: each scores its category whole on one executor. */
        CATEGORIES,
        /** Every category split over the cluster: features by image partitions, MSM by query blocks. */
        SPLIT,
        /** SPLIT for a single category, CATEGORIES for several. */
        AUTO
    }

    /** Help text of the options, for {@code run --help}. */
    static final String HELP = String.join(System.lineSeparator(),
            "",
            "Spark options (musc4j-spark):",
            "      --spark MASTER         Spark master URL, e.g. local[4], spark://host:7077, yarn (default: the",
            "                               one spark-submit sets).",
            "      --spark-mode MODE      categories (one task per category), split (each category split over",
            "                               the cluster: features by image partitions, MSM by query blocks) or",
            "                               auto (split for one category, else categories; default).",
            "      --query-block B        Query images per MSM task in split mode, tiles when tiled (default:",
            "                               from executor memory and cores).",
            "      --partition-images P   Images per feature task in split mode, tiles when tiled (default:",
            "                               from N and cores).",
            "      --spark-work URI       Shared folder for split mode's feature chunks, kept in",
            "                               URI/.musc4j-work (default: OUT/.musc4j-work).",
            "      --keep-features        Keep the feature chunks after a category is done.");

    /** The Spark options and the remaining {@code musc run} arguments. */
    record Parsed(SparkOptions options, List<String> runArgs) {
    }

    /**
     * Takes the Spark options out of {@code args}.
     *
     * @throws IllegalArgumentException with a one-line message on a bad value
     */
    static Parsed parse(List<String> args) {
        String master = null;
        Mode mode = Mode.AUTO;
        int block = 0;
        int partition = 0;
        String work = null;
        boolean keep = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean inline = a.contains("=");
            switch (name) {
                case "--spark", "--spark-mode", "--query-block", "--partition-images", "--spark-work" -> {
                    String v;
                    if (inline) {
                        v = a.substring(a.indexOf('=') + 1);
                    } else if (i + 1 < args.size()) {
                        v = args.get(++i);
                    } else {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    switch (name) {
                        case "--spark" -> master = v;
                        case "--spark-mode" -> mode = mode(v);
                        case "--query-block" -> block = positive(name, v);
                        case "--partition-images" -> partition = positive(name, v);
                        default -> work = v;
                    }
                }
                case "--keep-features" -> keep = true;
                default -> rest.add(a);
            }
        }
        return new Parsed(new SparkOptions(master, mode, block, partition, work, keep), rest);
    }

    private static Mode mode(String v) {
        try {
            return Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--spark-mode must be categories, split or auto, got '" + v + "'");
        }
    }

    private static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'");
    }
}
