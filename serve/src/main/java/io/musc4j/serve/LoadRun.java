package io.musc4j.serve;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A load on a running service: C clients, each sending its parts one after another, alternating over
 * the stations; a 503 is retried after its Retry-After. What it reports lets a caller check that
 * nothing was lost or answered twice: the sequence numbers each station gave.
 */
public final class LoadRun {

    private LoadRun() {
    }

    /**
     * @param answered parts answered 200
     * @param retries 503 answers retried
     * @param sequences per station, every sequence number it answered with
     * @param latenciesMs per answered part, request to answer (retries included)
     * @param seconds wall time of the whole load
     */
    public record Report(long answered, long retries, Map<String, List<Long>> sequences, List<Double> latenciesMs,
            double seconds) {

        /** The p-th percentile of the latencies (nearest rank). */
        public double percentileMs(double p) {
            List<Double> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            return sorted.isEmpty() ? Double.NaN
                    : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
        }

        public double partsPerSecond() {
            return answered / seconds;
        }

        /**
         * Null if every station's sequences are 1..n exactly once each (given {@code before} parts it had
         * answered before the load), else what is wrong.
         */
        public String gaps(Map<String, Long> before) {
            for (Map.Entry<String, List<Long>> e : sequences.entrySet()) {
                List<Long> got = new ArrayList<>(e.getValue());
                Collections.sort(got);
                long first = before.getOrDefault(e.getKey(), 0L) + 1;
                for (int i = 0; i < got.size(); i++) {
                    if (got.get(i) != first + i) {
                        return "station " + e.getKey() + ": sequence " + (first + i) + " expected, got " + got.get(i)
                                + (i > 0 && got.get(i).equals(got.get(i - 1)) ? " twice" : "");
                    }
                }
            }
            return null;
        }

        /** One line of figures. */
        public String summary() {
            return String.format("%d parts in %.1f s: %.1f parts/s, latency p50 %.1f ms, p99 %.1f ms, %d retries after 503",
                    answered, seconds, partsPerSecond(), percentileMs(50), percentileMs(99), retries);
        }
    }

    /**
     * Runs the load against {@code http://127.0.0.1:port}.
     *
     * @throws TimeoutException if it does not finish within {@code limit}
     * @throws IOException if a request fails other than with 503 (the answer's line)
     */
    public static Report run(int port, List<String> stations, int clients, int partsPerClient, List<byte[]> images,
            Duration limit) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, List<Long>> sequences = new TreeMap<>();
        for (String s : stations) {
            sequences.put(s, Collections.synchronizedList(new ArrayList<>()));
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long[] retries = new long[clients];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int j = 0; j < partsPerClient; j++) {
                        String station = stations.get((client + j) % stations.size());
                        byte[] image = images.get((client * partsPerClient + j) % images.size());
                        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/v1/stations/" + station + "/inspect")).timeout(limit)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
                        long start = System.nanoTime();
                        while (true) {
                            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 503) {
                                retries[client]++;
                                Thread.sleep(1000L * Integer.parseInt(r.headers().firstValue("Retry-After").orElse("1")));
                                continue;
                            }
                            if (r.statusCode() != 200) {
                                throw new IOException("station " + station + ": HTTP " + r.statusCode() + " " + r.body());
                            }
                            latencies.add((System.nanoTime() - start) / 1e6);
                            sequences.get(station).add(JsonParser.parseString(r.body()).getAsJsonObject()
                                    .get("sequence").getAsLong());
                            break;
                        }
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + limit.toNanos();
            for (Future<?> f : running) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long answered = sequences.values().stream().mapToLong(List::size).sum();
        long retried = 0;
        for (long r : retries) {
            retried += r;
        }
        return new Report(answered, retried, sequences, List.copyOf(latencies), seconds);
    }
}
