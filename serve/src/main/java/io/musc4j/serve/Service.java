package io.musc4j.serve;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import io.javalin.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.annotations.NotNull;

/**
 * {@code musc serve}: the stations, their hot folders, and the HTTP API over them (Javalin; JSON
 * through Gson). Endpoints: see {@code openapi.json} in this package's resources and docs/serve.md.
 */
public final class Service implements AutoCloseable {

    /** Request bodies up to this size are read (a 12-megapixel 16-bit TIFF is ~72 MB). */
    static final long MAX_BODY = 128L << 20;
    /** Parts a station view lists. */
    private static final int VIEW_PARTS = 12;

    private final Map<String, Station> stations = new LinkedHashMap<>();
    private final List<HotFolder> folders = new ArrayList<>();
    private final Path scratch;
    /** Inspect requests not yet answered: a stop waits for them after the stations have drained. */
    private final AtomicInteger answering = new AtomicInteger();
    private Javalin app;

    private Service(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * Opens every station (each model loaded, each state restored), starts the hot folders, then
     * listens. A station that cannot open stops the start with its one-line reason.
     */
    public static Service start(ServeSettings settings) throws IOException {
        Files.createDirectories(settings.state());
        Service service = new Service(settings.state().resolve(".incoming"));
        try {
            for (StationSpec spec : settings.stations()) {
                service.stations.put(spec.id(), Station.open(spec, settings.state(), settings.queue()));
            }
            for (Station station : service.stations.values()) {
                if (station.spec().watch() != null) {
                    service.folders.add(HotFolder.start(station, station.spec().watch()));
                }
            }
            service.app = service.routes().start(settings.host(), settings.port());
            return service;
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /** The port the service listens on (the one picked where 0 was asked for). */
    public int port() {
        return app.port();
    }

    /** The stations' names, in order. */
    public List<String> stations() {
        return List.copyOf(stations.keySet());
    }

    /** A station by name (tests reach its queue directly). */
    Station station(String id) {
        return stations.get(id);
    }

    private Javalin routes() {
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_BODY;
            config.jetty.multipartConfig.maxFileSize(MAX_BODY, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(MAX_BODY, io.javalin.config.SizeUnit.BYTES);
            config.jsonMapper(new GsonMapper());
        });
        javalin.post("/v1/stations/{id}/inspect", this::inspect);
        javalin.get("/v1/stations", ctx -> ctx.json(Map.of("stations",
                stations.values().stream().map(s -> s.view(parts(ctx))).toList())));
        javalin.get("/v1/stations/{id}", ctx -> ctx.json(station(ctx).view(parts(ctx))));
        javalin.get("/v1/stations/{id}/parts/{sequence}/heatmap.png", this::heatmap);
        javalin.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "stations", stations.size())));
        javalin.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(Metrics.render(stations.values())));
        javalin.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(resource("openapi.json")));
        javalin.get("/", ctx -> ctx.html(resource("index.html")));
        javalin.exception(NoStation.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
        javalin.exception(Exception.class, (e, ctx) -> error(ctx, HttpStatus.INTERNAL_SERVER_ERROR,
                e.getClass().getSimpleName() + ": " + e.getMessage()));
        javalin.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null) {
                error(ctx, HttpStatus.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        return javalin;
    }

    private void inspect(Context ctx) throws Exception {
        answering.incrementAndGet();
        try {
            answer(ctx);
        } finally {
            answering.decrementAndGet();
        }
    }

    private void answer(Context ctx) throws Exception {
        Station station = station(ctx);
        byte[] body;
        if (ctx.isMultipartFormData()) {
            List<UploadedFile> files = ctx.uploadedFiles();
            if (files.size() != 1) {
                error(ctx, HttpStatus.BAD_REQUEST, "a multipart request carries exactly one file, got " + files.size());
                return;
            }
            try (InputStream in = files.get(0).content()) {
                body = in.readAllBytes();
            }
        } else {
            body = ctx.bodyAsBytes();
        }
        try {
            ctx.json(station.submit(Station.bytes(body, scratch)).get());
        } catch (Station.Busy e) {
            ctx.header("Retry-After", "1");
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Station.BadImage bad) {
                error(ctx, HttpStatus.BAD_REQUEST, bad.getMessage());
            } else {
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "station " + station.id() + ": " + e.getCause());
            }
        }
    }

    private void heatmap(Context ctx) throws IOException {
        Station station = station(ctx);
        long sequence;
        try {
            sequence = Long.parseLong(ctx.pathParam("sequence"));
        } catch (NumberFormatException e) {
            error(ctx, HttpStatus.BAD_REQUEST, "part sequence must be a number, got '" + ctx.pathParam("sequence") + "'");
            return;
        }
        var png = station.heatmap(sequence);
        if (png.isEmpty()) {
            error(ctx, HttpStatus.NOT_FOUND, "station " + station.id() + " keeps the heatmaps of its last "
                    + StationRecord.HEATMAPS + " parts; part " + sequence + " has none");
            return;
        }
        ctx.contentType("image/png").header("Cache-Control", "max-age=3600").result(png.get());
    }

    /** {@code ?parts=N}: how many recent parts a station view lists (default 12, at most what the record keeps). */
    private static int parts(Context ctx) {
        String n = ctx.queryParam("parts");
        try {
            return n == null ? VIEW_PARTS : Math.max(0, Math.min(StationRecord.RECENT, Integer.parseInt(n)));
        } catch (NumberFormatException e) {
            return VIEW_PARTS;
        }
    }

    private Station station(Context ctx) {
        String id = ctx.pathParam("id");
        Station s = stations.get(id);
        if (s == null) {
            throw new NoStation("no station '" + id + "' (stations: " + String.join(", ", stations.keySet()) + ")");
        }
        return s;
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message));
    }

    private static String resource(String name) {
        try (InputStream in = Service.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops gracefully: the hot folders stop taking files, each station refuses new parts and
     * finishes those queued (every one saved as it is answered), then the server stops and the
     * models are freed.
     */
    @Override
    public void close() {
        for (HotFolder f : folders) {
            f.close();
        }
        for (Station s : stations.values()) {
            try {
                s.drain(Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the answers of the drained parts are still being written to their connections
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answering.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (app != null) {
            app.stop();
        }
        for (Station s : stations.values()) {
            s.close();
        }
    }

    private static final class NoStation extends RuntimeException {
        NoStation(String message) {
            super(message, null, false, false);
        }
    }

    /** Javalin's JSON through the project's Gson form. */
    private static final class GsonMapper implements JsonMapper {
        @NotNull
        @Override
        public String toJsonString(@NotNull Object obj, @NotNull Type type) {
            return Json.GSON.toJson(obj, type);
        }

        @NotNull
        @Override
        public <T> T fromJsonString(@NotNull String json, @NotNull Type targetType) {
            return Json.GSON.fromJson(json, targetType);
        }
    }
}
