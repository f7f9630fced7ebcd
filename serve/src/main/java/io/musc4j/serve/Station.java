package io.musc4j.serve;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.inspect.PartSizeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One station: its model, its inspector ({@link StationInspector}: a plain {@link Inspector} or a tiled
 * one), and one worker thread that inspects the station's parts in the order they arrived, from a queue
 * of bounded length (a full queue refuses at once, so a caller can retry later rather than wait without
 * limit).
 *
 * <p>Per part, in this order: decode (a bad image is refused, nothing changes), inspect, write the
 * heatmap and the {@link StationRecord}, save the inspector's state, answer. So the state on disk
 * always includes every part that was answered, and a part whose state was not saved was not answered.
 */
final class Station implements AutoCloseable {

    private final StationSpec spec;
    private final MuSc musc;
    private final StationInspector inspector;
    private final StationRecord record;
    private final Path folder;
    private final Path inspectorFolder;
    private final int queueCapacity;
    private final ThreadPoolExecutor worker;
    private final Latency latency = new Latency();
    private final AtomicLong badImages = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean draining;

    /** A part to inspect: the bytes of a request or a file of a hot folder. */
    interface Input {
        /** Decodes the image; an IOException's message names the input and the problem. */
        RgbImage decode(ImageDecoder decoder) throws IOException;

        /** The hot folder file it came from, or null. */
        String source();
    }

    /** The image could not be read: the station is unchanged. */
    static final class BadImage extends Exception {
        BadImage(String message) {
            super(message, null, false, false);
        }
    }

    /** The queue is full or the service is stopping: nothing was queued. */
    static final class Busy extends Exception {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private Station(StationSpec spec, MuSc musc, StationInspector inspector, StationRecord record, Path folder,
            int queue) {
        this.spec = spec;
        this.musc = musc;
        this.inspector = inspector;
        this.record = record;
        this.folder = folder;
        this.inspectorFolder = folder.resolve("inspector");
        this.queueCapacity = queue;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "station-" + spec.id());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the station's model and carries on from its state in {@code stateRoot/<id>} if there is
     * one (no new warm-up), else starts an empty bank.
     *
     * @throws IOException one line: the model cannot be read, or the state is damaged or belongs to
     *     another configuration
     */
    static Station open(StationSpec spec, Path stateRoot, int queue) throws IOException {
        Path folder = stateRoot.resolve(spec.id());
        MuSc musc = MuSc.builder().config(spec.musc()).build();
        try {
            StationInspector inspector = StationInspector.open(spec, musc, folder.resolve("inspector"));
            try {
                return new Station(spec, musc, inspector, StationRecord.load(folder, inspector.inspected()), folder,
                        queue);
            } catch (IOException | RuntimeException e) {
                inspector.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            musc.close();
            throw new IOException("station " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    String id() {
        return spec.id();
    }

    StationSpec spec() {
        return spec;
    }

    /**
     * Queues a part. The future completes with the answer, or exceptionally with {@link BadImage}
     * (the station is unchanged) or another exception (an internal error, e.g. the state could not be
     * written).
     *
     * @throws Busy if the queue is full or the service is stopping
     */
    CompletableFuture<PartResult> submit(Input input) throws Busy {
        if (draining) {
            refused.incrementAndGet();
            throw new Busy("the service is stopping");
        }
        CompletableFuture<PartResult> answer = new CompletableFuture<>();
        long arrived = System.nanoTime();
        Instant received = Instant.now();
        try {
            worker.execute(() -> inspect(input, arrived, received, answer));
        } catch (RejectedExecutionException e) {
            refused.incrementAndGet();
            throw new Busy("station " + spec.id() + " has " + queueCapacity + " parts waiting; retry shortly");
        }
        return answer;
    }

    private void inspect(Input input, long arrived, Instant received, CompletableFuture<PartResult> answer) {
        try {
            long t0 = System.nanoTime();
            RgbImage image;
            try {
                image = input.decode(musc.imageDecoder());
            } catch (IOException e) {
                badImages.incrementAndGet();
                answer.completeExceptionally(new BadImage(e.getMessage()));
                return;
            }
            long t1 = System.nanoTime();
            StationInspector.Inspected part;
            try {
                part = inspector.inspect(image);
            } catch (PartSizeException e) {
                // a tiled station's part of another size than the first, whose grid the banks hold: refused
                // before anything changed
                badImages.incrementAndGet();
                answer.completeExceptionally(new BadImage(e.getMessage()));
                return;
            }
            byte[] heatmap = part.heatmap() == null ? null : part.heatmap().png(image);
            long t2 = System.nanoTime();
            PartResult result = PartResult.of(spec.id(), part, heatmap != null,
                    PartResult.timings(t0 - arrived, t1 - t0, part.timing(), 0, t2 - arrived), input.source(), received);
            record.add(result, heatmap);
            inspector.save(inspectorFolder);
            long t3 = System.nanoTime();
            latency.observe((t3 - arrived) / 1e9);
            answer.complete(result.withTimings(PartResult.timings(t0 - arrived, t1 - t0, part.timing(), t3 - t2,
                    t3 - arrived)));
        } catch (Throwable e) {
            answer.completeExceptionally(e);
        }
    }

    /** The heatmap of a recent part. */
    Optional<byte[]> heatmap(long sequence) throws IOException {
        return record.heatmap(sequence);
    }

    /** The recorded answer for a hot folder file, if it is among the recent ones. */
    Optional<PartResult> answered(String source) {
        return record.bySource(source);
    }

    /** What GET /v1/stations/{id} answers. */
    record View(String station, String model, int imageSize, String tiling, String thresholdRule, int bankSize, int warmUp,
            int bankParts, Double threshold, List<Double> tileThresholds, long inspected, Map<String, Long> counts, Queue queue, Rates rates,
            String watch, List<PartResult> recent) {
    }

    /** Parts waiting and the bound. */
    record Queue(int waiting, int capacity) {
    }

    /**
     * @param partsPerMinute parts answered in the last minute
     * @param anomalousShare the share of ANOMALOUS among the judged parts of the last {@value StationRecord#RECENT}
     */
    record Rates(double partsPerMinute, Double anomalousShare) {
    }

    View view(int recentParts) {
        List<PartResult> all = record.recent(StationRecord.RECENT);
        Instant minuteAgo = Instant.now().minus(Duration.ofMinutes(1));
        long lastMinute = all.stream().filter(p -> Instant.parse(p.received()).isAfter(minuteAgo)).count();
        long judged = all.stream().filter(p -> !p.verdict().equals("WARMING_UP")).count();
        long anomalous = all.stream().filter(p -> p.verdict().equals("ANOMALOUS")).count();
        double threshold = inspector.currentThreshold();
        return new View(spec.id(), spec.musc().model(), musc.imageSize(),
                spec.musc().tiling().isOff() ? null : spec.musc().tiling().describe(), spec.threshold().toString(),
                spec.bankSize(),
                spec.warmUp() > 0 ? spec.warmUp() : Math.min(spec.bankSize(), 16), inspector.bankSize(),
                PartResult.finite(threshold), tileThresholds(), inspector.inspected(), record.counts(),
                new Queue(worker.getQueue().size(), queueCapacity), new Rates(lastMinute,
                        judged == 0 ? null : (double) anomalous / judged),
                spec.watch() == null ? null : spec.watch().toString(),
                all.subList(Math.max(0, all.size() - recentParts), all.size()));
    }

    /** Each bank's threshold for the next part, null while warming up; null for an untiled station. */
    private List<Double> tileThresholds() {
        if (spec.musc().tiling().isOff()) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (double t : inspector.thresholds()) {
            out.add(PartResult.finite(t));
        }
        return out;
    }

    /** Numbers for /metrics. */
    record Figures(Map<String, Long> counts, Latency.Snapshot latency, int bankParts, double threshold, int waiting,
            long badImages, long refused) {
    }

    Figures figures() {
        return new Figures(new LinkedHashMap<>(record.counts()), latency.snapshot(), inspector.bankSize(),
                inspector.currentThreshold(), worker.getQueue().size(), badImages.get(), refused.get());
    }

    /** Whether the station refuses new parts (the service is stopping). */
    boolean draining() {
        return draining;
    }

    /** Refuses new parts from now on, finishes the queued ones (each saved as it is answered). */
    void drain(Duration limit) throws InterruptedException {
        draining = true;
        worker.shutdown();
        worker.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        draining = true;
        worker.shutdownNow();
        try {
            worker.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inspector.close();
        musc.close();
    }

    /** The station's state folder. */
    Path folder() {
        return folder;
    }

    /** A request body: written to a file so the model's decoder reads it as it reads any image file. */
    static Input bytes(byte[] body, Path scratch) {
        return new Input() {
            @Override
            public RgbImage decode(ImageDecoder decoder) throws IOException {
                if (body.length == 0) {
                    throw new IOException("empty body: send the image's bytes (PNG, JPEG, BMP or TIFF) or a "
                            + "multipart form with one file");
                }
                Files.createDirectories(scratch);
                Path file = Files.createTempFile(scratch, "part", ".img");
                try {
                    Files.write(file, body);
                    return decoder.decode(file);
                } catch (IOException e) {
                    String message = String.valueOf(e.getMessage()).replace(file.toString(), "the image");
                    throw new IOException(message.startsWith("the image") ? message : "the image: " + message);
                } finally {
                    Files.deleteIfExists(file);
                }
            }

            @Override
            public String source() {
                return null;
            }
        };
    }
}
