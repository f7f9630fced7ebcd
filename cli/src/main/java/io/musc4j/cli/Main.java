package io.musc4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code musc} command. Its options are a contract: scripts call them, so they change only by
 * addition.
 */
@Command(name = "musc", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Zero-shot industrial anomaly detection (MuSc) on the JVM.",
        subcommands = {RunCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 success, 1 failure, 2 usage error). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
