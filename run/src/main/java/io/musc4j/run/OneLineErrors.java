package io.musc4j.run;

import picocli.CommandLine;

/**
 * Turns a failure into one line on stderr: users see what is wrong with their input, not a stack
 * trace. {@code --verbose} restores the trace for bug reports.
 */
public final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || parsed.hasMatchedOption("--verbose");
        if (verbose) {
            e.printStackTrace(System.err);
        }
        System.err.println("musc: " + describe(e));
        return ExitCodes.ERROR;
    }

    /** A command line that does not parse: one line naming the problem and where help is. */
    public static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
        System.err.println("musc: " + describe(e) + " (see '" + spec.qualifiedName() + " --help')");
        return spec.exitCodeOnInvalidInput();
    }

    /**
     * Runs one step of resolving the options; its one-line {@link IllegalArgumentException} comes back with
     * {@code prefix} in front (the option, the station), the cause kept.
     */
    public static <T> T prefixed(String prefix, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }

    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.nio.file.FileSystemException f && f.getReason() == null && !(f.getFile() == null)) {
            // the JDK's message is the bare path for these; say what happened to it
            return f.getFile() + ": " + OutputFolder.reason(f);
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName() + " (run again with --verbose for details)";
        }
        // Exceptions of ours carry one-line messages; keep only the first line of foreign ones.
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
