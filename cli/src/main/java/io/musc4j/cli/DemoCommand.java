package io.musc4j.cli;

import io.musc4j.run.RunCommand;
import io.musc4j.run.Versions;
import io.musc4j.datasets.demo.DemoDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc demo}: writes a small MVTec-layout dataset of industrial-looking textures with defects
 * and masks, scores it with {@code musc run} and says where the report is.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Run MuSc on a small generated demo dataset and write a report.")
public final class DemoCommand implements Callable<Integer> {

    static final String DEFAULT_MODEL = "facebook/dinov2-small";

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "musc-demo",
            description = "Output folder (default: ./musc-demo); the dataset goes to DIR/data.")
    Path out;

    @Option(names = "--model", paramLabel = "HF_ID|DIR", defaultValue = DEFAULT_MODEL,
            description = "Backbone (default: " + DEFAULT_MODEL + ", 224 px).")
    String model;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path data = out.resolve("data");
        Files.createDirectories(data);
        List<String> categories = DemoDataset.generate(data);
        System.err.println("musc: demo dataset with " + categories.size() + " categories ("
                + String.join(", ", categories) + ") in " + data);
        // Parsed like a user's command line, so the demo gets exactly run's defaults.
        RunCommand run = new RunCommand();
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--format", "mvtec",
                "--model", model, "--image-size", "224", "--out", out.resolve("results").toString()));
        if (verbose) {
            args.add("--verbose");
        }
        new CommandLine(run).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args.toArray(String[]::new));
        int code = run.call();
        System.out.println("open " + run.out().resolve("report.html").toAbsolutePath() + " in a browser");
        return code;
    }
}
