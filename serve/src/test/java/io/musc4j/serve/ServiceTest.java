package io.musc4j.serve;

import static io.musc4j.serve.Fixtures.get;
import static io.musc4j.serve.Fixtures.getBytes;
import static io.musc4j.serve.Fixtures.json;
import static io.musc4j.serve.Fixtures.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.threshold.ThresholdRule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in this JVM on loopback: every endpoint, bad images, a full queue, and a restart that
 * carries on bit for bit. Scores are checked against an {@link Inspector} fed the same parts here.
 */
class ServiceTest {

    private static List<byte[]> parts;
    /** What an inspector never interrupted answers for each part, in order. */
    private static List<Inspection> expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void reference(@TempDir Path scratch) throws IOException {
        parts = Fixtures.parts();
        expected = new ArrayList<>();
        StationSpec spec = Fixtures.station("ref", null);
        try (MuSc musc = MuSc.builder().config(spec.musc()).build();
                Inspector inspector = spec.inspector(musc).build()) {
            for (int i = 0; i < parts.size(); i++) {
                Path f = scratch.resolve(i + ".png");
                Files.write(f, parts.get(i));
                RgbImage image = musc.imageDecoder().decode(f);
                expected.add(inspector.inspect(image));
            }
        }
        assertTrue(expected.stream().anyMatch(p -> p.verdict().name().equals("ANOMALOUS")));
        assertTrue(expected.stream().anyMatch(p -> p.verdict().name().equals("NORMAL")));
    }

    /** The answer is the reference inspector's, bit for bit, with the regions in image pixels. */
    static void assertAnswer(Inspection want, JsonObject got) {
        assertEquals(want.sequence(), got.get("sequence").getAsLong());
        assertEquals(want.verdict().name(), got.get("verdict").getAsString(), "part " + want.sequence());
        assertEquals(bits(want.score()), bits(number(got.get("score"))), "score of part " + want.sequence());
        assertEquals(bits(want.threshold()), bits(number(got.get("threshold"))), "threshold of part " + want.sequence());
        var regions = got.getAsJsonArray("regions");
        assertEquals("image", got.get("coordinates").getAsString());
        assertEquals(want.regions().size(), regions.size());
        for (int i = 0; i < regions.size(); i++) {
            JsonObject r = regions.get(i).getAsJsonObject();
            var box = want.regions().get(i).box();
            assertEquals(box.x0(), r.get("x").getAsInt());
            assertEquals(box.y0(), r.get("y").getAsInt());
            assertEquals(box.width(), r.get("width").getAsInt());
            assertEquals(box.height(), r.get("height").getAsInt());
            // 224-pixel images, 112-pixel maps: the regions are found in the map read back to 224x224
            assertTrue(box.x1() <= 224 && box.y1() <= 224, box.toString());
            assertEquals(want.regions().get(i).area(), r.get("area").getAsLong());
            assertEquals(want.regions().get(i).peak(), r.get("peak").getAsFloat());
        }
    }

    private static long bits(double v) {
        return Double.doubleToLongBits(v);
    }

    private static double number(JsonElement e) {
        return e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    @Test
    void everyEndpointAnswers() throws Exception {
        try (Service service = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null),
                Fixtures.station("b", null)))) {
            int port = service.port();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = post(port, "a", parts.get(i));
                assertEquals(200, r.statusCode(), r.body());
                JsonObject body = json(r);
                assertEquals("a", body.get("station").getAsString());
                assertAnswer(expected.get(i), body);
                assertTrue(body.getAsJsonObject("timings").get("total").getAsDouble() > 0);
                if (i == 0) {
                    assertTrue(body.get("heatmap").isJsonNull(), "the first part has no map");
                } else {
                    String url = body.get("heatmap").getAsString();
                    assertEquals("/v1/stations/a/parts/" + (i + 1) + "/heatmap.png", url);
                    HttpResponse<byte[]> png = getBytes(port, url);
                    assertEquals(200, png.statusCode());
                    assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
                    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png.body(), 4));
                }
            }
            // multipart: the one file of the form
            String boundary = "----musc" + System.nanoTime();
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] form = new byte[head.length + parts.get(6).length + tail.length];
            System.arraycopy(head, 0, form, 0, head.length);
            System.arraycopy(parts.get(6), 0, form, head.length, parts.get(6).length);
            System.arraycopy(tail, 0, form, head.length + parts.get(6).length, tail.length);
            HttpResponse<String> multipart = Fixtures.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/stations/a/inspect"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, multipart.statusCode(), multipart.body());
            assertAnswer(expected.get(6), json(multipart));

            JsonObject a = json(get(port, "/v1/stations/a"));
            assertEquals(7, a.get("inspected").getAsLong());
            assertEquals(4, a.get("bank_parts").getAsInt());
            long normal = expected.subList(0, 7).stream().filter(p -> p.verdict().name().equals("NORMAL")).count();
            assertEquals(normal, a.getAsJsonObject("counts").get("NORMAL").getAsLong());
            assertEquals(3, a.getAsJsonObject("counts").get("WARMING_UP").getAsLong());
            assertEquals(7, a.getAsJsonArray("recent").size());
            assertEquals(0, json(get(port, "/v1/stations/b")).get("inspected").getAsLong(), "b saw a's parts");
            assertEquals(2, json(get(port, "/v1/stations")).getAsJsonArray("stations").size());

            HttpResponse<String> none = post(port, "c", parts.get(0));
            assertEquals(404, none.statusCode());
            assertEquals("no station 'c' (stations: a, b)", json(none).get("error").getAsString());
            assertEquals(404, get(port, "/v1/stations/a/parts/1/heatmap.png").statusCode());
            assertEquals("ok", json(get(port, "/healthz")).get("status").getAsString());

            String metrics = get(port, "/metrics").body();
            assertTrue(metrics.contains("musc_parts_total{station=\"a\",verdict=\"normal\"} " + normal), metrics);
            assertTrue(metrics.contains("musc_parts_total{station=\"a\",verdict=\"warming_up\"} 3"), metrics);
            assertTrue(metrics.contains("musc_inspect_seconds_count{station=\"a\"} 7"), metrics);
            assertTrue(metrics.contains("musc_inspect_seconds_bucket{station=\"a\",le=\"+Inf\"} 7"), metrics);
            assertTrue(metrics.contains("musc_bank_parts{station=\"a\"} 4"), metrics);
            assertTrue(metrics.contains("musc_threshold{station=\"b\"} NaN"), metrics);
            for (String line : metrics.split("\n")) {
                assertTrue(line.startsWith("# ") || line.startsWith("musc_"), line);
            }

            JsonObject api = JsonParser.parseString(get(port, "/v1/openapi.json").body()).getAsJsonObject();
            assertTrue(api.getAsJsonObject("paths").has("/v1/stations/{id}/inspect"));
            HttpResponse<String> page = get(port, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("/v1/stations"));
        }
    }

    @Test
    void aBadImageIsRefusedAndTheStationIsUnchanged() throws Exception {
        try (Service service = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null)))) {
            int port = service.port();
            for (int i = 0; i < 4; i++) {
                assertEquals(200, post(port, "a", parts.get(i)).statusCode());
            }
            String before = stationWithoutRates(port);
            byte[] truncated = Arrays.copyOf(parts.get(4), parts.get(4).length / 3);
            for (byte[] bad : List.of(new byte[0], "not an image".getBytes(StandardCharsets.UTF_8), truncated)) {
                HttpResponse<String> r = post(port, "a", bad);
                assertEquals(400, r.statusCode(), r.body());
                String error = json(r).get("error").getAsString();
                assertTrue(error.startsWith(bad.length == 0 ? "empty body" : "the image: "), error);
                assertTrue(!error.contains("\n") && !error.contains(".img"), error);
            }
            assertEquals(before, stationWithoutRates(port));
            // the next good part is the fifth, as if the bad ones never came
            HttpResponse<String> next = post(port, "a", parts.get(4));
            assertAnswer(expected.get(4), json(next));
            assertTrue(get(port, "/metrics").body().contains("musc_bad_images_total{station=\"a\"} 3"));
        }
    }

    private static String stationWithoutRates(int port) throws Exception {
        JsonObject s = json(get(port, "/v1/stations/a"));
        s.remove("rates");
        return s.toString();
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        try (Service service = Service.start(Fixtures.settings(tmp, 2, Fixtures.station("a", null)))) {
            Station station = service.station("a");
            CountDownLatch release = new CountDownLatch(1);
            // the worker holds a part that waits, two more fill the queue
            List<CompletableFuture<PartResult>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(station.submit(held(release)));
            }
            while (station.view(0).queue().waiting() < 2) {
                Thread.sleep(10);
            }
            HttpResponse<String> busy = post(service.port(), "a", parts.get(0));
            assertEquals(503, busy.statusCode());
            assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
            assertEquals("station a has 2 parts waiting; retry shortly", json(busy).get("error").getAsString());
            release.countDown();
            for (CompletableFuture<PartResult> f : held) {
                assertThrows(Exception.class, f::join);
            }
            // nothing of the refused part was kept: the next part is the first
            HttpResponse<String> first = post(service.port(), "a", parts.get(0));
            assertEquals(1, json(first).get("sequence").getAsLong());
            assertTrue(get(service.port(), "/metrics").body().contains("musc_busy_total{station=\"a\"} 1"));
        }
    }

    /** A part that only waits, holding the station's worker until released. */
    private static Station.Input held(CountDownLatch release) {
        return new Station.Input() {
            @Override
            public RgbImage decode(io.musc4j.common.image.ImageDecoder decoder) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                throw new IOException("held part");
            }

            @Override
            public String source() {
                return null;
            }
        };
    }

    /** Stopping (SIGTERM runs the same close) answers and saves every part already queued, and refuses new ones. */
    @Test
    void aGracefulStopFinishesTheQueuedParts() throws Exception {
        Service service = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null)));
        int port = service.port();
        Station station = service.station("a");
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<PartResult> holder = station.submit(held(release));
        List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] part = parts.get(i);
            queued.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return post(port, "a", part);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            int waiting = i + 1;
            while (station.view(0).queue().waiting() < waiting) {
                Thread.sleep(10);
            }
        }
        Thread stopping = new Thread(service::close);
        stopping.start();
        while (!station.draining()) {
            Thread.sleep(10);
        }
        assertThrows(Station.Busy.class, () -> station.submit(held(release)));
        release.countDown();
        assertThrows(Exception.class, holder::join);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = queued.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertAnswer(expected.get(i), json(r));
        }
        stopping.join();
        try (Service again = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null)))) {
            assertEquals(3, json(get(again.port(), "/v1/stations/a")).get("inspected").getAsLong());
        }
    }

    /** Stopped gracefully and started again: no new warm-up, every later answer that of an uninterrupted inspector. */
    @Test
    void aRestartCarriesOnBitForBit() throws Exception {
        int k = 5;
        try (Service service = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null)))) {
            for (int i = 0; i < k; i++) {
                assertEquals(200, post(service.port(), "a", parts.get(i)).statusCode());
            }
        }
        try (Service service = Service.start(Fixtures.settings(tmp, 8, Fixtures.station("a", null)))) {
            JsonObject a = json(get(service.port(), "/v1/stations/a"));
            assertEquals(k, a.get("inspected").getAsLong());
            assertEquals(k, a.getAsJsonArray("recent").size(), "the record survived the restart");
            for (int i = k; i < parts.size(); i++) {
                assertAnswer(expected.get(i), json(post(service.port(), "a", parts.get(i))));
            }
        }
        // a state of another configuration is refused at start, naming the station, the file and the setting
        StationSpec other = new StationSpec("a", Fixtures.musc(), 5, 3, ThresholdRule.parse("mad:1"), null, false);
        IOException refused = assertThrows(IOException.class, () -> Service.start(Fixtures.settings(tmp, 8, other)));
        assertEquals("station a: " + tmp.toAbsolutePath().resolve("a/inspector/inspector.state")
                + ": saved under another configuration (bank: saved 4, now 5); refusing to restore it", refused.getMessage());
    }
}
