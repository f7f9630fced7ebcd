package io.musc4j.bench;

import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.serve.LoadRun;
import io.musc4j.serve.ServeSettings;
import io.musc4j.serve.Service;
import io.musc4j.serve.StationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code musc bench serve-load} and {@code serve-soak}: {@code musc serve} in this process on
 * 127.0.0.1 with two stations (bank 16, warm-up 8) of a model (default: the tiny test model), the
 * brick test images of the parity fixtures as parts, a fresh state folder.
 */
final class ServeBench {

    private static final Path IMAGES = Path.of("testdata/parity/data/brick/test");

    private ServeBench() {
    }

    /** [model folder] [clients=4] [parts per client=500]. */
    static void load(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "testdata/parity/models/dinov2-tiny");
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int parts = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (Service service = start(model)) {
            System.out.printf("serve-load: %s, 2 stations, %d clients x %d parts, %s%n", model, clients, parts,
                    cpu());
            LoadRun.Report r = LoadRun.run(service.port(), service.stations(), clients, parts, images(),
                    Duration.ofHours(2));
            System.out.println("serve-load: " + r.summary());
            String gaps = r.gaps(Map.of());
            System.out.println("serve-load: " + (gaps == null && r.answered() == (long) clients * parts
                    ? "nothing lost or answered twice (sequences contiguous per station)" : "FAILED: " + gaps));
        }
    }

    /** [model folder] [parts=5000]: 4 clients; resident memory after every 500 parts. */
    static void soak(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "testdata/parity/models/dinov2-tiny");
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int clients = 4;
        int round = 500;
        try (Service service = start(model)) {
            System.out.printf("serve-soak: %s, 2 stations, %d clients, %d parts, %s%n", model, clients, total,
                    cpu());
            List<Long> rss = new ArrayList<>();
            Map<String, Long> before = Map.of();
            for (int done = 0; done < total; done += round) {
                LoadRun.Report r = LoadRun.run(service.port(), service.stations(), clients, round / clients, images(),
                        Duration.ofHours(1));
                String gaps = r.gaps(before);
                before = Map.of("a", (long) (done + round) / 2, "b", (long) (done + round) / 2);
                System.gc();
                rss.add(ProcStatus.vmRssKiB());
                System.out.printf("serve-soak: %5d parts  RSS %7.1f MiB  %s%s%n", done + round, rss.get(rss.size() - 1)
                        / 1024.0, r.summary(), gaps == null ? "" : "  FAILED: " + gaps);
            }
            // the first round fills banks, code caches and allocator pools; a leak shows as the later
            // rounds climbing, where allocator pools only move up and down within a range
            List<Long> settled = rss.subList(Math.min(1, rss.size() - 1), rss.size());
            int half = settled.size() / 2;
            double early = settled.subList(0, Math.max(1, half)).stream().mapToLong(Long::longValue).average().orElse(0);
            double late = settled.subList(half, settled.size()).stream().mapToLong(Long::longValue).average().orElse(0);
            System.out.printf("serve-soak: RSS after the first round between %.1f and %.1f MiB; mean of the earlier "
                    + "rounds %.1f MiB, of the later %.1f MiB (%+.1f%%)%n",
                    settled.stream().mapToLong(Long::longValue).min().orElse(0) / 1024.0,
                    settled.stream().mapToLong(Long::longValue).max().orElse(0) / 1024.0, early / 1024, late / 1024,
                    100 * (late - early) / early);
        }
    }

    /** The CPU model and the cores the JVM sees: what the figures were measured on. */
    private static String cpu() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        String model = !Files.isReadable(info) ? System.getProperty("os.arch") : Files.readAllLines(info).stream()
                .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElse(System.getProperty("os.arch"));
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    private static Service start(Path model) throws IOException {
        // the server's start and stop lines are not figures
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        if (!Files.isDirectory(model)) {
            throw new IOException(model + ": no model folder (run from the repository root, or name one)");
        }
        Path state = Files.createTempDirectory("musc-serve-bench");
        MuscConfig musc = MuscConfig.builder().model(model.toString()).build();
        List<StationSpec> stations = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            stations.add(new StationSpec(id, musc, 16, 8, ThresholdRule.parse("mad:3"), null, false));
        }
        return Service.start(new ServeSettings("127.0.0.1", 0, state, 16, stations));
    }

    private static List<byte[]> images() throws IOException {
        if (!Files.isDirectory(IMAGES)) {
            throw new IOException(IMAGES + ": no test images (run from the repository root)");
        }
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(IMAGES)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".png")).sorted(Comparator.naturalOrder()).toList()) {
                out.add(Files.readAllBytes(f));
            }
        }
        return out;
    }
}
