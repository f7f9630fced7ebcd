package io.musc4j.spark;

import io.musc4j.run.ExitCodes;
import io.musc4j.run.RunCommand;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

/**
 * {@code musc run} on Spark: {@code ./musc run ... --spark local[4]} from the launcher, or
 * {@code spark-submit --class io.musc4j.spark.SparkMain musc4j-spark.jar run ...} on a cluster; the
 * options are {@code musc run}'s plus {@link SparkOptions}.
 */
public final class SparkMain {

    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; 0 success, 1 failure (some category failed), 2 usage error. */
    public static int execute(String... args) {
        List<String> all = Arrays.asList(args);
        if (all.isEmpty() || !all.get(0).equals("run")) {
            System.err.println("usage: musc4j-spark run [musc run options] [--spark MASTER] [--spark-mode MODE] ..."
                    + " (see 'run --help')");
            return 2;
        }
        List<String> rest = all.subList(1, all.size());
        boolean verbose = rest.contains("--verbose");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        }
        ClassLoader loader = SparkMain.class.getClassLoader();
        if (System.getProperty("log4j2.configurationFile") == null && loader.getResource("log4j2.properties") == null
                && loader.getResource("log4j2.xml") == null) {
            System.setProperty("log4j2.configurationFile", "musc4j-spark-log4j2.properties");
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            CommandLine cl = new CommandLine(new RunCommand());
            cl.usage(System.out);
            System.out.println(SparkOptions.HELP);
            return 0;
        }
        SparkOptions.Parsed parsed;
        try {
            parsed = SparkOptions.parse(rest);
            RunArgs.parse(parsed.runArgs());
        } catch (IllegalArgumentException | CommandLine.ParameterException e) {
            System.err.println("musc: " + e.getMessage() + " (see 'musc run --help')");
            return 2;
        }
        try {
            SparkConf conf = new SparkConf().setAppName("musc4j");
            if (parsed.options().master() != null) {
                conf.setMaster(parsed.options().master());
            } else if (!conf.contains("spark.master")) {
                System.err.println("musc: no Spark master: give --spark MASTER (e.g. local[4]) or run through spark-submit");
                return 2;
            }
            ExecutorEnvironment.applyDefaults(conf);
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                sc.setLogLevel(verbose ? "INFO" : "WARN");
                return run(sc, parsed, verbose);
            }
        } catch (Exception e) {
            return failed(e, verbose);
        }
    }

    /** Runs the parsed command line on {@code sc}; an error is one line on stderr and exit 1. */
    static int run(JavaSparkContext sc, SparkOptions.Parsed parsed, boolean verbose) {
        try {
            return new SparkRun(sc, parsed.options(), parsed.runArgs()).execute();
        } catch (Exception e) {
            return failed(e, verbose);
        }
    }

    private static int failed(Exception e, boolean verbose) {
        if (verbose) {
            e.printStackTrace(System.err);
        }
        System.err.println("musc: " + SparkRun.describe(e));
        return ExitCodes.ERROR;
    }
}
