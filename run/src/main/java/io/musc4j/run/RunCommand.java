package io.musc4j.run;

import io.musc4j.datasets.DatasetFormat;
import io.musc4j.engine.Division;
import io.musc4j.engine.MuscConfig;
import io.musc4j.models.Precision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code musc run}: scores every image of one or more categories and writes results and pictures. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Versions.class, sortOptions = false,
        description = {"Score the test images of a dataset without labels: a score and a verdict per image, "
                + "heatmaps, metrics where labels exist, and a report.",
                "Higher scores mean more anomalous. Each category is scored on its own, its images against each "
                        + "other."},
        footer = {"",
                "Output, under OUT/<category>/:",
                "  scores.csv    one row per image: image (path relative to ROOT), label (0 normal, 1 anomalous, "
                        + "empty when unknown), score (the final score, after RsCIN; min-max rescaled to 0..1 per "
                        + "category unless --rscin off), map_max (the anomaly map's maximum, before RsCIN), threshold "
                        + "(the category's, on map_max), ratio (map_max / threshold), rule (the threshold rule), "
                        + "verdict (anomalous when map_max > threshold, else normal).",
                "  heatmaps/<type>/<stem>.png  the image beside the anomaly map over it, at the image's own size, "
                        + "with a colour bar; maps/<type>/<stem>.npy with --save-maps; masks/<type>/<stem>.png with "
                        + "--save-masks, at the image's own size.",
                "  category.json  scores, verdicts, thresholds, region boxes in image pixels, metrics, timings, "
                        + "the input files.",
                "and OUT/report.html, run.json, metrics.json and metrics.md (when labels exist: AUROC, AP, F1-max "
                        + "and the precision, recall and F1 the label-free threshold achieved).",
                "",
                "Exit codes: 0 every category scored; 1 error (bad input, model or output folder; or no category "
                        + "could be scored); 2 bad command line; 3 some categories could not be scored (each named "
                        + "with the reason on stderr and in run.json; the others' results are complete).",
                "",
                "Environment: HF_HOME, HF_HUB_CACHE (where hub models are cached), HF_HUB_OFFLINE=1 (use the cache "
                        + "only), HF_TOKEN (gated models), HF_ENDPOINT (a hub mirror); for the ./musc launcher: "
                        + "JAVA_OPTS (JVM flags, e.g. -Xmx32g) and MUSC_CUDA=1 (build with the CUDA natives).",
                "",
                "Example: musc run --data mvtec_ad --format mvtec --category bottle,cable "
                        + "--model facebook/dinov2-base --image-size 518 --out results"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "ROOT", description = "Dataset root folder.")
    Path data;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            converter = LowerCase.Formats.class, completionCandidates = LowerCase.Formats.class,
            description = "Layout of ROOT: ${COMPLETION-CANDIDATES}.")
    DatasetFormat format;

    @Option(names = "--category", paramLabel = "NAME[,NAME...]|ALL", hideParamSyntax = true, split = ",",
            defaultValue = "ALL",
            description = "Categories to score (default: ALL).")
    List<String> categories;

    @Option(names = "--model", required = true, paramLabel = "HF_ID|DIR",
            description = "Backbone: a Hugging Face id org/name[@revision] or a folder with config.json "
                    + "and model.safetensors.")
    String model;

    @Option(names = "--image-size", paramLabel = "S", description = "Network input size in pixels, at most "
            + MuscConfig.MAX_IMAGE_SIZE + " (default: the model's trained size).")
    Integer imageSize;

    @Option(names = "--layers", split = ",", paramLabel = "I,J,...", hideParamSyntax = true,
            description = "0-based block indices to tap (default: four evenly spaced, ending at the last).")
    int[] layers;

    @Option(names = "--degrees", split = ",", paramLabel = "R,...", hideParamSyntax = true, defaultValue = "1,3,5",
            description = "LNAMD aggregation degrees r, odd (default: ${DEFAULT-VALUE}).")
    int[] degrees;

    @Option(names = "--interval", split = ",", paramLabel = "LO,HI", hideParamSyntax = true, defaultValue = "0,0.3",
            description = "MSM interval: the mean of the nearest-neighbour distances between these "
                    + "fractions of the sorted distances (default: ${DEFAULT-VALUE}).")
    double[] interval;

    @Option(names = "--scoring", paramLabel = "full|aligned[:W]", defaultValue = "full",
            description = "MSM comparisons: full (every patch against every patch, the reference), or aligned: "
                    + "each patch only against the same grid position +-W patches in the other images, for "
                    + "aligned parts (W default 1).")
    String scoring;

    @Option(names = "--aggregation", paramLabel = "lnamd|snamd", defaultValue = "lnamd",
            description = "Patch features: lnamd (the reference; one MSM pass per layer and degree) or snamd "
                    + "(MuSc-V2's similarity-weighted multi-degree aggregation; one MSM pass per layer).")
    String aggregation;

    @Option(names = "--rscin", paramLabel = "K,...|off",
            description = "RsCIN windows (default: 1,8,9 for visa, else 1,2,3), or off.")
    String rscin;

    @Option(names = "--divide", paramLabel = "K", defaultValue = "1",
            description = "Score each category in K subsets chosen without labels; RsCIN still runs over all "
                    + "images (default: ${DEFAULT-VALUE}, no division).")
    int divide;

    @Option(names = "--divide-mode", paramLabel = "MODE", defaultValue = "random",
            converter = LowerCase.DivideModes.class, completionCandidates = LowerCase.DivideModes.class,
            description = "How --divide picks subsets: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                    + "random is seeded, so runs repeat).")
    Division.Mode divideMode;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Images per backbone pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu, gpu (GPU 0) or gpu:N (default: ${DEFAULT-VALUE}, a GPU if one is usable; "
                    + "gpu fails if none is). The device used is always printed.")
    String device;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            converter = LowerCase.Precisions.class, completionCandidates = LowerCase.Precisions.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; fp16 on CUDA only; bf16: the "
                    + "backbone in bfloat16 on CUDA or a CPU with bfloat16 products, MSM in fp32).")
    Precision precision;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--overwrite", description = "Replace a category folder or run file (run.json, report.html, "
            + "metrics.json, metrics.md) in OUT that musc4j did not write. Without it such a name is refused; musc4j "
            + "replaces only what its manifest in OUT lists, and never touches other names.")
    boolean overwrite;

    @Option(names = "--threshold", paramLabel = "RULE", defaultValue = "mixture:3",
            description = "How each category's threshold on map_max (the anomaly map's maximum) is chosen, without "
                    + "labels: mixture:K (the normal parts' group of a two-group mixture on the log map maxima, K "
                    + "standard deviations above its mean, whatever the share of defects), mad:K (median + K x "
                    + "1.4826 x MAD of the map maxima; assumes defects are a small minority), fixed:X (the value "
                    + "X), or rate:P (the highest fraction P of the parts are anomalous); lower K flags more "
                    + "(default: ${DEFAULT-VALUE}).")
    String threshold;

    @Option(names = "--pixel-threshold", paramLabel = "RULE",
            description = "The threshold on anomaly-map values for --save-masks and the colour bar's tick: a rule "
                    + "as for --threshold, applied to the maps' maxima (default: the image threshold itself, so a part is anomalous exactly "
                    + "when its map has a region).")
    String pixelThreshold;

    @Option(names = "--save-maps", paramLabel = "SIZE", arity = "0..1", defaultValue = "none", fallbackValue = "network",
            description = "Also write the raw float32 anomaly maps as .npy: --save-maps alone writes them at the "
                    + "network's S×S (the maps the metrics use), --save-maps original at each image's own W×H (read "
                    + "back as the masks are).")
    SavedMaps saveMaps;

    @Option(names = "--save-masks", description = "Also write binary masks, at each image's own size, of the map pixels "
            + "above the pixel threshold (masks/<type>/<stem>.png, 255 = anomalous) and their regions' boxes "
            + "(category.json), normal parts' too.")
    boolean saveMasks;

    @Option(names = "--heatmaps", paramLabel = "MODE", defaultValue = "whole",
            description = "Heatmap colour scale: whole (one scale for the category, so normal parts look calm), "
                    + "single (each image's own min..max: every image shows a red spot) or none (no heatmaps) "
                    + "(default: ${DEFAULT-VALUE}).")
    HeatmapMode heatmaps;

    @Mixin
    TilingOptions tiling = new TilingOptions();

    @Option(names = "--draw-tiles", description = "With --tiles or --tile-size: outline each image's tiles in black "
            + "on its heatmap (and so in the report).")
    boolean drawTiles;

    @Option(names = "--resume", description = "Skip categories whose results in OUT are complete and were computed with the "
                    + "same options from the same image files (paths, sizes, modification times).")
    boolean resume;

    @Option(names = "--verbose", description = "Print stack traces on errors and DJL's log.")
    boolean verbose;

    /**
     * The domain's enums on the command line by their lower-case names: each converter parses a name,
     * and, as an Iterable, lists the names for help and completion.
     */
    abstract static class LowerCase<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
        private final Class<E> type;

        LowerCase(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
            throw new TypeConversionException("expected one of " + String.join(", ", this) + ", got '" + value + "'");
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).iterator();
        }

        static final class Formats extends LowerCase<DatasetFormat> {
            Formats() {
                super(DatasetFormat.class);
            }
        }

        static final class DivideModes extends LowerCase<Division.Mode> {
            DivideModes() {
                super(Division.Mode.class);
            }
        }

        static final class Precisions extends LowerCase<Precision> {
            Precisions() {
                super(Precision.class);
            }
        }
    }

    /** Heatmap normalisation. */
    public enum HeatmapMode { single, whole, none }

    /** {@code --save-maps}: none, the network's S×S maps, or the maps at each image's own size. */
    public enum SavedMaps { none, network, original }

    /** The output folder. */
    public Path out() {
        return out;
    }

    /** {@code --resume}. */
    public boolean resume() {
        return resume;
    }

    /** {@code --overwrite}. */
    public boolean overwrite() {
        return overwrite;
    }

    /** {@code --divide}. */
    public int divide() {
        return divide;
    }

    /** {@code --verbose}. */
    public boolean verbose() {
        return verbose;
    }

    @Override
    public Integer call() throws Exception {
        return new RunJob(this).execute();
    }
}
