package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on this machine: a master and workers as JVMs of their own, started from
 * Spark's jars (a SPARK_HOME whose {@code jars} folder links to them, as a Spark distribution has it),
 * bound to 127.0.0.1 only, on ports the system picks. Each worker has its own work, local and DJL
 * cache folders, as a node would, and passes its environment on to the executors it starts.
 * {@link #close} (or the JVM's exit) kills every process it started, the workers' executors included.
 */
final class LocalCluster implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    /** An executor JVM, as a worker starts it. */
    static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern REGISTERED = Pattern.compile("Registering worker 127\\.0\\.0\\.1:\\d+");
    /** Variables of the caller that must not reach the cluster: its own Spark setup and allocator settings. */
    private static final Pattern INHERITED = Pattern.compile(
            "SPARK_.*|HADOOP_.*|YARN_.*|MALLOC_.*|THP_MEM_ALLOC_ENABLE|GLIBC_TUNABLES|DJL_CACHE_DIR|LD_PRELOAD");

    private final Path folder;
    private final Path home;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread killer = new Thread(this::killAll, "local-cluster-killer");
    private final Duration timeout;
    private String masterUrl;
    private final List<Node> workers = new ArrayList<>();

    /** A JVM of the cluster with its folders: {@code local} (SPARK_LOCAL_DIRS), {@code djl} (DJL_CACHE_DIR). */
    record Node(String name, Process process, Path folder, Path log) {
        Path localDirs() {
            return folder.resolve("local");
        }

        Path djlCache() {
            return folder.resolve("djl");
        }

        Path work() {
            return folder.resolve("work");
        }

        /** The executors this worker runs now. */
        List<ProcessHandle> executors() {
            return process.toHandle().descendants().filter(p -> p.info().arguments()
                    .map(a -> List.of(a).contains(EXECUTOR_MAIN)).orElse(false)).toList();
        }

        /** An executor's log: the worker keeps it under work/APP/EXECUTOR/stderr. */
        Path executorLog(ProcessHandle executor) {
            List<String> args = List.of(executor.info().arguments().orElseThrow());
            return work().resolve(args.get(args.indexOf("--app-id") + 1))
                    .resolve(args.get(args.indexOf("--executor-id") + 1)).resolve("stderr");
        }
    }

    private LocalCluster(Path folder, Duration timeout) {
        this.folder = folder;
        this.home = folder.resolve("spark-home");
        this.timeout = timeout;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each, and
     * waits until all are registered.
     *
     * @param sparkJars Spark's jars (what a Spark distribution's jars folder holds)
     * @param timeout bound of each wait (start, registration, a submitted application)
     */
    static LocalCluster start(Path folder, List<Path> sparkJars, int workers, int cores, String memory,
            Duration timeout) throws IOException {
        LocalCluster c = new LocalCluster(folder, timeout);
        try {
            Files.createDirectories(c.home.resolve("jars"));
            for (Path jar : sparkJars) {
                Files.createSymbolicLink(c.home.resolve("jars").resolve(jar.getFileName()), jar);
            }
            Node master = c.launch("master", List.of("-Xmx256m"), "org.apache.spark.deploy.master.Master",
                    List.of("--host", LOOPBACK, "--port", "0", "--webui-port", "0"));
            c.masterUrl = c.await(master, MASTER_URL, 1).group(1);
            for (int i = 1; i <= workers; i++) {
                Path node = folder.resolve("worker-" + i);
                c.workers.add(c.launch("worker-" + i, List.of("-Xmx256m"), "org.apache.spark.deploy.worker.Worker",
                        List.of("--host", LOOPBACK, "--port", "0", "--webui-port", "0", "--cores",
                                Integer.toString(cores), "--memory", memory, "--work-dir",
                                node.resolve("work").toString(), c.masterUrl)));
            }
            c.await(master, REGISTERED, workers);
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    List<Node> workers() {
        return List.copyOf(workers);
    }

    /**
     * Starts {@code spark-submit} of {@code jar} in client mode (the driver in a JVM of its own), with
     * {@code conf} as {@code --conf} settings and {@code args} as the application's arguments.
     */
    Node submit(String name, Path jar, String mainClass, List<String> conf, List<String> args) throws IOException {
        List<String> submit = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client",
                "--class", mainClass, "--conf", "spark.driver.host=" + LOOPBACK,
                "--conf", "spark.driver.bindAddress=" + LOOPBACK, "--conf", "spark.ui.enabled=false"));
        conf.forEach(c -> submit.addAll(List.of("--conf", c)));
        submit.add(jar.toString());
        submit.addAll(args);
        return launch(name, List.of("-Xmx1g"), "org.apache.spark.deploy.SparkSubmit", submit);
    }

    /** Waits for a submitted driver to exit; its exit code. */
    int await(Node driver) throws IOException, InterruptedException {
        if (!driver.process().waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            kill(driver.process());
            fail(driver.name() + " did not finish within " + timeout + "\n" + tail(driver.log()));
        }
        return driver.process().exitValue();
    }

    /** Polls {@code condition} every 50 ms until it holds; fails after the timeout or once {@code process} exits. */
    void await(String what, Node node, BooleanSupplier condition) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!node.process().isAlive() || System.nanoTime() > end) {
                fail("no " + what + " (" + node.name() + (node.process().isAlive() ? " still running" : " exited")
                        + ")\n" + tail(node.log()));
            }
            Thread.sleep(50);
        }
    }

    /**
     * The local addresses that the cluster's processes (executors and drivers included) listen on,
     * from /proc (Linux).
     */
    Set<String> listeningAddresses() throws IOException {
        Set<String> inodes = new HashSet<>();
        for (ProcessHandle p : all()) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                fds.forEach(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException e) {
                        // the descriptor closed meanwhile
                    }
                });
            } catch (IOException e) {
                // the process exited meanwhile
            }
        }
        Set<String> addresses = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc/net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port in hex, f[3] state (0A: listening), f[9] inode
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    addresses.add(address(f[1].substring(0, f[1].indexOf(':'))));
                }
            }
        }
        return addresses;
    }

    /** An address of /proc/net/tcp{,6}: 32-bit words in host (little-endian) byte order. */
    private static String address(String hex) {
        StringBuilder s = new StringBuilder();
        for (int w = 0; w < hex.length(); w += 8) {
            for (int b = 6; b >= 0; b -= 2) {
                s.append(hex, w + b, w + b + 2);
            }
        }
        String bytes = s.toString();
        if (bytes.length() == 8) {
            return dotted(bytes);
        }
        if (bytes.startsWith("00000000000000000000FFFF")) {
            return "::ffff:" + dotted(bytes.substring(24));
        }
        return bytes.equals("00000000000000000000000000000001") ? "::1" : bytes;
    }

    private static String dotted(String hex) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 8; i += 2) {
            parts.add(Integer.toString(Integer.parseInt(hex.substring(i, i + 2), 16)));
        }
        return String.join(".", parts);
    }

    /** The environment of a process of this machine, from /proc (Linux). */
    static Map<String, String> environment(ProcessHandle p) throws IOException {
        Map<String, String> env = new HashMap<>();
        String all = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                StandardCharsets.UTF_8);
        for (String entry : all.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log " + log + ")";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private Node launch(String name, List<String> jvm, String main, List<String> args) throws IOException {
        Path node = folder.resolve(name);
        Files.createDirectories(node.resolve("local"));
        Files.createDirectories(node.resolve("djl"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
        command.addAll(List.of("-cp", home.resolve("jars") + "/*", main));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(node.toFile()).redirectErrorStream(true);
        Path log = folder.resolve(name + ".log");
        pb.redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> INHERITED.matcher(k).matches());
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        // every listening socket, the web UIs' included, on the loopback address
        env.put("SPARK_LOCAL_IP", LOOPBACK);
        env.put("SPARK_LOCAL_DIRS", node.resolve("local").toString());
        env.put("DJL_CACHE_DIR", node.resolve("djl").toString());
        Process p = pb.start();
        processes.add(p);
        return new Node(name, p, node, log);
    }

    private Matcher await(Node node, Pattern pattern, int count) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.exists(node.log()) ? Files.readString(node.log(), StandardCharsets.UTF_8) : "";
            Matcher m = pattern.matcher(text);
            int found = 0;
            while (found < count && m.find()) {
                found++;
            }
            if (found == count) {
                return m;
            }
            if (!node.process().isAlive() || System.nanoTime() > end) {
                fail(node.name() + ": no '" + pattern + "' (" + found + " of " + count + ")\n" + tail(node.log()));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private List<ProcessHandle> all() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            all.add(p.toHandle());
            p.toHandle().descendants().forEach(all::add);
        }
        return all;
    }

    /** SIGKILL to a process and the processes it started (a worker's executors), children first. */
    private static void kill(Process p) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void killAll() {
        // drivers and workers first, the master last: nobody restarts anything meanwhile
        for (int i = processes.size() - 1; i >= 0; i--) {
            kill(processes.get(i));
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
    }
}
