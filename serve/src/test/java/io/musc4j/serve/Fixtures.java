package io.musc4j.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.threshold.ThresholdRule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The tiny random-weight DINOv2 of the parity fixtures, the brick images, and an HTTP client on loopback. */
final class Fixtures {

    static final Path TESTDATA = Path.of(System.getProperty("musc4j.testdata"));
    static final Path MODEL = TESTDATA.resolve("parity/models/dinov2-tiny");
    static final Path IMAGES = TESTDATA.resolve("parity/data/brick/test");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Fixtures() {
    }

    /** The brick parts: good ones with a scratched one after every fourth. */
    static List<byte[]> parts() throws IOException {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            parts.add(Files.readAllBytes(IMAGES.resolve(String.format("good/%03d.png", i))));
            if (i % 4 == 3) {
                parts.add(Files.readAllBytes(IMAGES.resolve(String.format("scratch/%03d.png", i / 4))));
            }
        }
        return parts;
    }

    static MuscConfig musc() {
        return MuscConfig.builder().model(MODEL.toString()).imageSize(112).layers(1, 3, 5).degrees(1, 3).build();
    }

    /** A station on the tiny model: bank 4, warm-up 3, mad:1 (so the scratched bricks are judged anomalous). */
    static StationSpec station(String id, Path watch) {
        return new StationSpec(id, musc(), 4, 3, ThresholdRule.parse("mad:1"), watch, false);
    }

    static ServeSettings settings(Path state, int queue, StationSpec... stations) {
        return new ServeSettings("127.0.0.1", 0, state, queue, List.of(stations));
    }

    static HttpResponse<String> post(int port, String station, byte[] body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stations/" + station
                + "/inspect")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> getBytes(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
