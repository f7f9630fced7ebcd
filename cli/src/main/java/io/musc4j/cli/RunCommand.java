package io.musc4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code musc run}: scores every image of one or more categories and writes results and pictures. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Versions.class, sortOptions = false,
        description = "Score the test images of a dataset: scores, maps, heatmaps, metrics and a report.",
        footer = {"", "Writes OUT/<category>/scores.csv, heatmaps/<type>/<stem>.png (maps/<type>/<stem>.npy with "
                + "--save-maps), and OUT/metrics.json, metrics.md, report.html, run.json.",
                "Example: musc run --data mvtec_ad --format mvtec --category bottle,cable "
                        + "--model facebook/dinov2-base --image-size 518 --out results"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "ROOT", description = "Dataset root folder.")
    Path data;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "Layout of ROOT: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--category", paramLabel = "NAME[,NAME...]|ALL", hideParamSyntax = true, split = ",",
            defaultValue = "ALL",
            description = "Categories to score (default: ALL).")
    List<String> categories;

    @Option(names = "--model", required = true, paramLabel = "HF_ID|DIR",
            description = "Backbone: a Hugging Face id org/name[@revision] or a folder with config.json "
                    + "and model.safetensors.")
    String model;

    @Option(names = "--image-size", paramLabel = "S", description = "Network input size in pixels (default: the model's trained size).")
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
            description = "How --divide picks subsets: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                    + "random is seeded, so runs repeat).")
    DivideMode divideMode;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "4", description = "Images per backbone pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu, gpu (GPU 0) or gpu:N (default: ${DEFAULT-VALUE}, a GPU if one is usable; "
                    + "gpu fails if none is). The device used is always printed.")
    String device;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; fp16 on CUDA only).")
    PrecisionChoice precision;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--save-maps", description = "Also write the raw float32 S×S maps as .npy.")
    boolean saveMaps;

    @Option(names = "--heatmaps", paramLabel = "MODE", defaultValue = "single",
            description = "Heatmap colour scale: single (per image), whole (per category) or none "
                    + "(no heatmaps) (default: ${DEFAULT-VALUE}).")
    HeatmapMode heatmaps;

    @Option(names = "--resume", description = "Skip categories whose results in OUT are complete and were computed with the "
                    + "same options.")
    boolean resume;

    @Option(names = "--verbose", description = "Print stack traces on errors and DJL's log.")
    boolean verbose;

    /** Dataset layouts the command reads. */
    public enum Format { mvtec, visa, btad, mvtec2, folder }

    /** How --divide splits a category. */
    public enum DivideMode { random, sequential }

    /** Compute precision. */
    public enum PrecisionChoice { fp32, fp16 }

    /** Heatmap normalisation. */
    public enum HeatmapMode { single, whole, none }

    /** {@code --resume}. */
    public boolean resume() {
        return resume;
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
