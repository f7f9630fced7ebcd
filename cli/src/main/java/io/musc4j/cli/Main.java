package io.musc4j.cli;

import io.musc4j.run.RunCommand;
import io.musc4j.run.Versions;
import io.musc4j.run.OneLineErrors;
import io.musc4j.run.ExitCodes;
import io.musc4j.serve.ServeCommand;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code musc} command. Its options are a contract: scripts call them, so they change only by
 * addition.
 */
@Command(name = "musc", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Zero-shot industrial anomaly detection (MuSc) on the JVM.",
        footer = {"", "Start with 'musc demo'; then 'musc run --help'; a production line: 'musc serve --help'.",
                "Exit codes: 0 success, 1 error, 2 bad command line, 3 some categories not scored (musc run)."},
        subcommands = {RunCommand.class, DemoCommand.class, ServeCommand.class, Main.Bench.class, CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (see the {@code EXIT_} constants). */
    public static int execute(String... args) {
        quietLibraries(args);
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler(OneLineErrors::usageError);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    /**
     * DJL logs its start-up (engine, threads, a CUDA probe that warns on every CPU-only machine) at
     * INFO and WARN; the command prints what matters itself, so the libraries' log shows only with
     * {@code --verbose}. slf4j-simple reads this property once, when its first logger is made.
     */
    private static void quietLibraries(String... args) {
        String level = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(level) == null) {
            System.setProperty(level, Arrays.asList(args).contains("--verbose") ? "info" : "error");
        }
    }

    /** {@code musc} without a command is a usage error: the usage goes to stderr, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return ExitCodes.USAGE;
    }

    /**
     * {@code musc bench} lives in its own module (JMH and the benchmarks stay out of this one); the
     * {@code ./musc} launcher starts it. Listed here so {@code musc --help} shows every command.
     */
    @Command(name = "bench", description = "Benchmarks and the paper's tables: speed, reproduce, ... "
            + "(via the ./musc launcher: './musc bench --help').")
    static final class Bench implements java.util.concurrent.Callable<Integer> {

        @CommandLine.Parameters(hidden = true)
        java.util.List<String> ignored;

        @Override
        public Integer call() {
            System.err.println("musc: 'bench' runs through the ./musc launcher: ./musc bench --help");
            return ExitCodes.USAGE;
        }
    }
}
