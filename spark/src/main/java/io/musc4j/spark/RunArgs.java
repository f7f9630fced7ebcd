package io.musc4j.spark;

import io.musc4j.run.RunCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * The arguments of {@code musc run} as plain strings, which is how a Spark task receives its
 * configuration: each process parses them itself into the same validated options. Locations are
 * swapped for the process's local copies with {@link #with}.
 */
final class RunArgs {

    /** Options that say where things are rather than what is computed. */
    private static final Set<String> PLACES = Set.of("--data", "--out", "--category");
    /** Options that do not change the loaded model or its scoring. */
    private static final Set<String> OUTPUT_ONLY = Set.of("--heatmaps", "--save-maps", "--resume", "--overwrite",
            "--verbose", "--draw-tiles");
    /** musc run's options that take no value. */
    private static final Set<String> FLAGS = Set.of("--resume", "--overwrite", "--verbose", "--draw-tiles", "-h",
            "--help", "-V", "--version");
    /** musc run's options whose value may be left out ({@code --save-maps [original]}): a value is one that
     *  does not start with '-'. */
    private static final Set<String> OPTIONAL_VALUE = Set.of("--save-maps");

    private RunArgs() {
    }

    /** Parses {@code args} as {@code musc run} does. */
    static RunCommand parse(List<String> args) {
        RunCommand command = new RunCommand();
        CommandLine cl = new CommandLine(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.parseArgs(args.toArray(String[]::new));
        return command;
    }

    /** The value of {@code option} ({@code --opt v} or {@code --opt=v}), or null. */
    static String value(List<String> args, String option) {
        String found = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(option) && i + 1 < args.size()) {
                found = args.get(++i);
            } else if (a.startsWith(option + "=")) {
                found = a.substring(option.length() + 1);
            }
        }
        return found;
    }

    /** {@code args} with {@code option} set to {@code value} (every earlier occurrence removed). */
    static List<String> with(List<String> args, String option, String value) {
        List<String> out = without(args, Set.of(option));
        out.add(option);
        out.add(value);
        return out;
    }

    /** Whether the flag {@code option} is present. */
    static boolean has(List<String> args, String option) {
        return args.contains(option);
    }

    private static List<String> without(List<String> args, Set<String> options) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (options.contains(name)) {
                boolean valueFollows = i + 1 < args.size() && !args.get(i + 1).startsWith("-");
                if (!a.contains("=") && !FLAGS.contains(name) && (!OPTIONAL_VALUE.contains(name) || valueFollows)) {
                    i++;
                }
                continue;
            }
            out.add(a);
        }
        return out;
    }

    /** The arguments that decide the loaded model and its scoring: equal keys may share a model. */
    static List<String> modelKey(List<String> args) {
        java.util.Set<String> ignored = new java.util.HashSet<>(PLACES);
        ignored.addAll(OUTPUT_ONLY);
        return without(args, ignored);
    }
}
