package io.musc4j.serve;

import com.google.gson.JsonParseException;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.models.BackboneOptions;
import io.musc4j.run.OneLineErrors;
import io.musc4j.run.TilingOptions;
import io.musc4j.run.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code musc serve}: the line's stations as a service (HTTP, hot folders, state kept over restarts). */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Versions.class, sortOptions = false,
        description = {"Inspect the parts of a production line as they come: over HTTP and from hot folders, one "
                + "station per camera or line, each with its own bank of recent parts and threshold.",
                "Each station's state (bank, threshold window, sequence) is saved after every part in --state; "
                        + "a restart carries on with no new warm-up."},
        footer = {"",
                "Endpoints: POST /v1/stations/{id}/inspect (image bytes or multipart), GET /v1/stations/{id}, "
                        + "GET /v1/stations/{id}/parts/{sequence}/heatmap.png, GET /healthz, GET /metrics, "
                        + "GET /v1/openapi.json, GET / (the live page). See docs/serve.md.",
                "",
                "Exit codes: 143 stopped by SIGTERM, 130 by Ctrl-C (either way queued parts are finished and saved first); 1 error; "
                        + "2 bad command line.",
                "",
                "Example: musc serve --model facebook/dinov2-base --image-size 448 --stations line1,line2 "
                        + "--state /var/lib/musc --watch line1=/srv/cam1 --host 0.0.0.0"})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "HF_ID|DIR", description = "Backbone of every station without its own "
            + "(a Hugging Face id org/name[@revision] or a model folder).")
    String model;

    @Option(names = "--image-size", paramLabel = "S", description = "Network input size (default: the model's).")
    Integer imageSize;

    @Option(names = "--layers", split = ",", paramLabel = "I,J,...", hideParamSyntax = true,
            description = "0-based blocks to tap (default: four evenly spaced).")
    List<Integer> layers;

    @Mixin
    TilingOptions tiling = new TilingOptions();

    @Option(names = "--stations", split = ",", paramLabel = "NAME[,NAME...]", hideParamSyntax = true,
            description = "Stations, all with the options on this command line.")
    List<String> stations;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file with per-station options "
            + "(docs/serve.md); command-line options are the defaults of its stations.")
    Path config;

    @Option(names = "--state", paramLabel = "DIR", description = "State folder (one sub-folder per station; required "
            + "here or in --config).")
    Path state;

    @Option(names = "--port", paramLabel = "P", description = "TCP port (default: 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "H", description = "Address to listen on (default: 127.0.0.1; 0.0.0.0 for "
            + "every interface).")
    String host;

    @Option(names = "--bank", paramLabel = "M", description = "Parts in each station's bank (default: 64).")
    Integer bank;

    @Option(names = "--warm-up", paramLabel = "W", description = "Parts before judging starts (default: min(M, 16)).")
    Integer warmUp;

    @Option(names = "--threshold", paramLabel = "RULE", description = "On the recent scores, as for musc run: mixture:K, "
            + "mad:K (median + K x 1.4826 x MAD), rate:P, or fixed:X, an absolute score (default: mixture:3).")
    String threshold;

    @Option(names = "--watch", paramLabel = "[STATION=]DIR", description = "Hot folder of a station (repeatable; "
            + "the station name may be left out when there is one).")
    List<String> watch;

    @Option(names = "--queue", paramLabel = "N", description = "Parts waiting per station before 503 (default: 16).")
    Integer queue;

    @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N (default: auto).")
    String device;

    @Option(names = "--pack-weights", description = "Keep each station's backbone weights in MKL's packed layout for "
            + "one part per request (float32 on an x86-64 CPU): a part's backbone pass up to 20 %% faster, for about "
            + "twice the weights' memory; measure it on your machine first (docs/performance.md).")
    boolean packWeights;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    /** The configuration file's form (snake_case names). */
    record FileConfig(String host, Integer port, String state, Integer queue, List<FileStation> stations) {
    }

    /** One station in the configuration file; what it leaves out comes from the command line. */
    record FileStation(String id, String model, Integer imageSize, List<Integer> layers, String device, Integer bank,
            Integer warmUp, String threshold, String watch, Boolean packWeights, String tiles, Integer tileSize,
            String tileOverlap, String tilePool) {
    }

    /** Runs {@code musc serve} on its own (the cli module's {@code musc serve} is the same command). */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler(OneLineErrors::usageError);
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServeSettings settings = settings();
        Service service = Service.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("musc serve: stopping (finishing queued parts)");
            service.close();
            stopped.countDown();
        }, "musc-serve-stop"));
        System.out.println("musc serve: listening on http://" + settings.host() + ":" + service.port() + " (stations "
                + String.join(", ", service.stations()) + "; state in " + settings.state().toAbsolutePath() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Command line and configuration file, resolved and checked, each problem one line naming its option. */
    ServeSettings settings() throws IOException {
        FileConfig file = config == null ? new FileConfig(null, null, null, null, List.of()) : readConfig(config);
        if (stations != null && file.stations() != null && !file.stations().isEmpty()) {
            throw new IllegalArgumentException("give the stations either with --stations or in --config, not both");
        }
        List<FileStation> entries = new ArrayList<>();
        if (stations != null) {
            for (String id : stations) {
                entries.add(new FileStation(id.trim(), null, null, null, null, null, null, null, null, null, null, null,
                        null, null));
            }
        } else if (file.stations() != null) {
            entries.addAll(file.stations());
        }
        Map<String, Path> watched = watchOption(entries);
        Path root = state != null ? state : file.state() != null ? Path.of(file.state()) : null;
        if (root == null) {
            throw new IllegalArgumentException("--state DIR is required (where the stations' state is kept)");
        }
        List<StationSpec> specs = new ArrayList<>();
        for (FileStation e : entries) {
            if (e == null || e.id() == null) {
                throw new IllegalArgumentException(config + ": every station needs an \"id\"");
            }
            String where = "station " + e.id() + ": ";
            String m = e.model() != null ? e.model() : model;
            if (m == null) {
                throw new IllegalArgumentException(where + "no model: give --model or \"model\" in --config");
            }
            MuscConfig.Builder c = MuscConfig.builder();
            step(where + "--model: ", () -> c.model(m));
            Integer size = e.imageSize() != null ? e.imageSize() : imageSize;
            if (size != null) {
                step(where + "--image-size: ", () -> c.imageSize(size));
            }
            List<Integer> taps = e.layers() != null ? e.layers() : layers;
            if (taps != null) {
                step(where + "--layers: ", () -> c.layers(taps));
            }
            String d = e.device() != null ? e.device() : device;
            if (d != null) {
                step(where + "--device: ", () -> c.device(BackboneOptions.DeviceChoice.parse(d)));
            }
            Tiling tiles = step(where, () -> tiling.under(e.tiles(), e.tileSize(), e.tileOverlap(), e.tilePool()));
            c.tiling(tiles);
            MuscConfig musc = step(where, c::build);
            int m2 = e.bank() != null ? e.bank() : bank != null ? bank : 64;
            int w = e.warmUp() != null ? e.warmUp() : warmUp != null ? warmUp : 0;
            String t = e.threshold() != null ? e.threshold() : threshold != null ? threshold : ThresholdRule.DEFAULT.canonical();
            ThresholdRule rule = step(where + "--threshold: ", () -> ThresholdRule.parse(t));
            Path hot = e.watch() != null ? Path.of(e.watch()) : watched.get(e.id());
            boolean pack = e.packWeights() != null ? e.packWeights() : packWeights;
            specs.add(step("", () -> new StationSpec(e.id(), musc, m2, w, rule, hot, pack)));
        }
        for (String id : watched.keySet()) {
            if (entries.stream().noneMatch(e -> id.equals(e.id()))) {
                throw new IllegalArgumentException("--watch " + id + "=...: no station " + id);
            }
        }
        return new ServeSettings(host != null ? host : file.host() != null ? file.host() : "127.0.0.1",
                port != null ? port : file.port() != null ? file.port() : 8080, root,
                queue != null ? queue : file.queue() != null ? file.queue() : 16, specs);
    }

    private Map<String, Path> watchOption(List<FileStation> entries) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (watch == null) {
            return out;
        }
        for (String w : watch) {
            int eq = w.indexOf('=');
            String id;
            if (eq > 0) {
                id = w.substring(0, eq);
            } else if (entries.size() == 1) {
                id = entries.get(0).id();
            } else {
                throw new IllegalArgumentException("--watch " + w + ": name the station (--watch STATION=DIR) "
                        + "when there are several");
            }
            if (out.put(id, Path.of(w.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--watch: station " + id + " has two hot folders");
            }
        }
        return out;
    }

    private static FileConfig readConfig(Path file) throws IOException {
        try {
            FileConfig c = Json.GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), FileConfig.class);
            if (c == null) {
                throw new IOException(file + ": empty configuration");
            }
            return c;
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (JsonParseException e) {
            throw new IOException(file + ": not valid JSON for musc serve (" + OneLineErrors.describe(e) + ")");
        }
    }

    private static <T> T step(String prefix, java.util.function.Supplier<T> s) {
        return OneLineErrors.prefixed(prefix, s);
    }
}
