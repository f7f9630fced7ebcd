package io.musc4j.serve;

import static io.musc4j.serve.Fixtures.get;
import static io.musc4j.serve.Fixtures.json;
import static io.musc4j.serve.Fixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code musc serve} in child JVMs: one never interrupted, one killed with SIGKILL
 * ({@link Process#destroyForcibly}) while a part is in flight and then started again on the same
 * state. The restarted service does not warm up again, and every later answer is bit for bit the
 * uninterrupted one's; the part in flight was either answered and kept, or neither.
 */
class KillTest {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");

    @TempDir
    Path tmp;

    /** A running child service. */
    private record Child(Process process, int port) {
    }

    private Child start(Path state, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), ServeCommand.class.getName(),
                "--model", Fixtures.MODEL.toString(), "--image-size", "112", "--layers", "1,3,5",
                "--stations", "a", "--bank", "4", "--warm-up", "3", "--threshold", "mad:1",
                "--state", state.toString(), "--port", "0"));
        Process p = new ProcessBuilder(command).redirectError(tmp.resolve(name + ".err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return new Child(p, Integer.parseInt(m.group(1)));
            }
        }
        p.destroyForcibly();
        throw new IOException("the child service did not start: " + Files.readString(tmp.resolve(name + ".err")));
    }

    /** What must be identical: everything but the timings and the arrival time. */
    private static JsonObject answer(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = json(r);
        o.remove("timings");
        o.remove("received");
        return o;
    }

    @Test
    void aServiceKilledMidStreamCarriesOnBitForBit() throws Exception {
        List<byte[]> parts = Fixtures.parts();
        List<JsonObject> uninterrupted = new ArrayList<>();
        Child reference = start(tmp.resolve("reference"), "reference");
        try {
            for (byte[] part : parts) {
                uninterrupted.add(answer(post(reference.port(), "a", part)));
            }
        } finally {
            reference.process().destroy();
        }
        // the JVM's status after SIGTERM is 128 + 15, whatever the shutdown hooks did
        assertEquals(143, reference.process().waitFor());
        assertTrue(Files.readString(tmp.resolve("reference.err")).contains("musc serve: stopping (finishing queued parts)"));
        assertTrue(uninterrupted.stream().anyMatch(o -> o.get("verdict").getAsString().equals("ANOMALOUS")));

        int k = 6;
        Path state = tmp.resolve("killed");
        Child killed = start(state, "killed");
        for (int i = 0; i < k; i++) {
            assertEquals(uninterrupted.get(i), answer(post(killed.port(), "a", parts.get(i))));
        }
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return post(killed.port(), "a", parts.get(k));
            } catch (IOException | InterruptedException e) {
                return null;
            }
        });
        Thread.sleep(40);
        killed.process().destroyForcibly();
        killed.process().waitFor();
        HttpResponse<String> last = inFlight.get();

        Child restarted = start(state, "restarted");
        try {
            long admitted = json(get(restarted.port(), "/v1/stations/a")).get("inspected").getAsLong();
            assertTrue(admitted == k || admitted == k + 1, "admitted " + admitted);
            if (last != null && last.statusCode() == 200) {
                assertEquals(k + 1, admitted, "an answered part must be kept");
                assertEquals(uninterrupted.get(k), answer(last));
            }
            System.out.printf("killed with part %d in flight: %s%n", k + 1,
                    admitted == k + 1 ? "it was kept" : "it was not admitted");
            for (int i = (int) admitted; i < parts.size(); i++) {
                JsonObject got = answer(post(restarted.port(), "a", parts.get(i)));
                assertNotEquals("WARMING_UP", got.get("verdict").getAsString(), "a new warm-up after the restart");
                assertEquals(uninterrupted.get(i), got, "part " + (i + 1));
            }
        } finally {
            restarted.process().destroy();
            restarted.process().waitFor();
        }
    }
}
