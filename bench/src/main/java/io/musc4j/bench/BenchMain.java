package io.musc4j.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code musc bench}: speed benchmarks, kernel microbenchmarks, synthetic models and data for them,
 * and the reproduction of the paper's tables. The root {@code ./musc} launcher dispatches here.
 */
@Command(name = "musc bench", mixinStandardHelpOptions = true,
        description = "Benchmarks and paper reproduction for musc4j.",
        subcommands = {SpeedCommand.class, ScalingCommand.class, GpuCheckCommand.class, ReproduceCommand.class, ThresholdsCommand.class, BenchMain.MakeModel.class, BenchMain.MakeData.class,
                CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (Boolean.getBoolean("musc.verbose")) {
                e.printStackTrace(System.err);
            }
            Throwable t = e;
            while (t.getMessage() == null && t.getCause() != null) {
                t = t.getCause();
            }
            System.err.println("musc bench: " + (t.getMessage() != null ? t.getMessage().lines().findFirst().orElse("")
                    : t.getClass().getSimpleName()));
            return 1;
        });
        for (PlainMain plain : PLAIN) {
            cl.addSubcommand(plain.name(), plain.command());
        }
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "make-model", mixinStandardHelpOptions = true,
            description = "Writes a model folder (config.json + model.safetensors) with random weights of a real size.")
    static final class MakeModel implements Callable<Integer> {
        @Option(names = "--arch", defaultValue = "dinov2-base", description = "dinov2-base or clip-large-336")
        String arch;
        @Option(names = "--out", required = true, description = "model folder to write")
        Path out;
        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Override
        public Integer call() throws Exception {
            Architectures a = Architectures.parse(arch);
            new RandomCheckpoint(a.config()).write(out, seed);
            System.out.println("wrote " + out.resolve("model.safetensors") + " (" + a.cliName() + ", random weights)");
            return 0;
        }
    }

    @Command(name = "make-data", mixinStandardHelpOptions = true,
            description = "Writes one MVTec-layout category of procedural 224x224 textures with masks.")
    static final class MakeData implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "dataset root to write")
        Path out;
        @Option(names = "--images", defaultValue = "40")
        int images;
        @Option(names = "--category", defaultValue = "ceramic_tile",
                description = "demo texture: brushed_metal, ceramic_tile or woven_fabric")
        String category;
        @Option(names = "--seed", defaultValue = "20240126")
        long seed;

        @Override
        public Integer call() throws Exception {
            int n = SyntheticCategory.write(out, category, images, seed);
            System.out.println("wrote " + n + " images to " + out.resolve(category));
            return 0;
        }
    }

    /** A benchmark with a plain {@code main}: its subcommand hands it every argument, options included. */
    private record PlainMain(String name, String description, MainMethod main) {

        @FunctionalInterface
        interface MainMethod {
            void run(String[] args) throws Exception;
        }

        CommandLine command() {
            CommandLine cl = new CommandLine(new Call(main));
            cl.getCommandSpec().usageMessage().description(description);
            cl.setUnmatchedOptionsArePositionalParams(true);
            return cl;
        }

        @Command
        static final class Call implements Callable<Integer> {
            private final MainMethod main;
            @Parameters(arity = "0..*")
            List<String> args = List.of();

            Call(MainMethod main) {
                this.main = main;
            }

            @Override
            public Integer call() throws Exception {
                main.run(args.toArray(String[]::new));
                return 0;
            }
        }
    }

    private static final List<PlainMain> PLAIN = List.of(
            new PlainMain("jmh", "JMH microbenchmarks of the kernels (LNAMD, MSM, metrics sort); arguments go to"
                    + " JMH, e.g. -f 1 -wi 2 -i 3", KernelBenchmarks::main),
            new PlainMain("scoring", "LNAMD + MSM on random features: [small|large|all] [largeN] [budgetMiB]",
                    ScoringBench::main),
            new PlainMain("backbone", "Backbone forward time: [dinov2|clip|all] [batch] [passes] [fp32|bf16]", BackboneBench::main),
            new PlainMain("gemm", "float32 matrix-product rate of musc4j's shapes, and whether the MKL remedy is"
                    + " loaded: [reps]", GemmBench::main),
            new PlainMain("startup", "JVM start, libtorch loading and the first op, in ms since the JVM started;"
                    + " then a backbone's weights loaded: [model folder]",
                    StartupBench::main),
            new PlainMain("msm-shapes", "MSM tile shapes compared in one process, and where a tile's time goes:"
                    + " [N] [rounds] [L] [C] [k:chunk ...]", MsmShapesBench::main),
            new PlainMain("metrics", "Metrics time and memory: [images] [size] [rounds] [double]", MetricsBench::main),
            new PlainMain("serve-load", "musc serve on loopback, 2 stations, C clients x N parts: nothing lost or "
                    + "answered twice, p50/p99 latency, parts/s: [model folder] [clients=4] [parts=500]", ServeBench::load),
            new PlainMain("serve-soak", "musc serve on loopback, 2 stations, 4 clients, P parts in all: resident "
                    + "memory (native included) every 500 parts, flat or not: [model folder] [parts=5000]", ServeBench::soak),
            new PlainMain("inspector", "Factory-line Inspector latency per part: [M] [timed calls] [parts per call,...]",
                    InspectorBench::main),
            new PlainMain("options", "Aligned MSM and SNAMD: speed and effect on the fixtures: [all|speed|fixtures]"
                    + " [rounds]", OptionsBench::main),
            new PlainMain("scale", "Memory at scale: peak RSS vs the MemoryPlan: key=value ... (see ScaleBench)",
                    ScaleBench::main),
            new PlainMain("tiles", "Tiled runs of large images, both pools: per-image time, peak RSS vs the plan, "
                    + "and a planted 12 px defect found tiled and not untiled: key=value ... (see TilesBench)",
                    TilesBench::main));
}
