package io.musc4j.serve;

import static io.musc4j.serve.Fixtures.get;
import static io.musc4j.serve.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.engine.threshold.ThresholdRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A station's hot folder: complete files only, arrival order, results and moves, failures, and what a restart finds. */
class HotFolderTest {

    @TempDir
    Path tmp;

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static List<String> names(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static JsonObject result(Path watch, String name) throws java.io.IOException {
        return JsonParser.parseString(Files.readString(watch.resolve("results").resolve(name))).getAsJsonObject();
    }

    /** Fixed threshold 0.303: of the brick parts 4 and 5 (scores about 0.3065 and 0.2999), the 4th is rejected. */
    private static StationSpec station(Path watch) {
        return new StationSpec("a", Fixtures.musc(), 4, 3, ThresholdRule.parse("fixed:0.303"), watch, false);
    }

    @Test
    void filesAreInspectedWhenCompleteInArrivalOrderAndARestartFinishesWhatWasLeft() throws Exception {
        List<byte[]> parts = Fixtures.parts();
        Path watch = tmp.resolve("in");
        Files.createDirectories(watch.resolve("processing"));
        // left by a previous run: one taken but not answered, two not taken yet (arrival order: b then a)
        Files.write(watch.resolve("processing/0000000000001-0000__p0.png"), parts.get(0));
        Files.write(watch.resolve("b1.png"), parts.get(1));
        Files.write(watch.resolve("a2.png"), parts.get(2));
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(watch.resolve("b1.png"), FileTime.fromMillis(now - 20_000));
        Files.setLastModifiedTime(watch.resolve("a2.png"), FileTime.fromMillis(now - 10_000));
        Path state = tmp.resolve("state");
        try (Service service = Service.start(Fixtures.settings(state, 4, station(watch)))) {
            await("the three files left", () -> names(watch.resolve("done")).size() == 3);
            assertEquals(List.of("1_p0.png", "2_b1.png", "3_a2.png"), names(watch.resolve("done")));
            assertEquals(List.of(), names(watch).stream().filter(n -> n.endsWith(".png")).toList());

            // half written: the writer pauses shorter than the settle time, then completes the file
            byte[] part = parts.get(3);
            Files.write(watch.resolve("half.png"), Arrays.copyOf(part, part.length / 3));
            Thread.sleep(HotFolder.SETTLE_MS / 2);
            Files.write(watch.resolve("half.png"), Arrays.copyOfRange(part, part.length / 3, part.length),
                    StandardOpenOption.APPEND);
            await("the half-written file", () -> names(watch.resolve("rejected")).contains("4_half.png"));
            assertTrue(names(watch.resolve("failed")).isEmpty(), "a file was taken half written");
            JsonObject rejected = result(watch, "4_half.json");
            assertEquals("ANOMALOUS", rejected.get("verdict").getAsString());
            assertFalse(rejected.getAsJsonArray("regions").isEmpty());
            assertTrue(Files.size(watch.resolve("results/4_half.heatmap.png")) > 0);

            // written under a temporary name and renamed
            Files.write(watch.resolve(".s.png.tmp"), parts.get(4));
            Files.move(watch.resolve(".s.png.tmp"), watch.resolve("s.png"));
            await("the renamed file", () -> names(watch.resolve("done")).contains("5_s.png"));
            assertEquals("NORMAL", result(watch, "5_s.json").get("verdict").getAsString());
            assertEquals("WARMING_UP", result(watch, "1_p0.json").get("verdict").getAsString());
            assertFalse(Files.exists(watch.resolve("results/1_p0.heatmap.png")), "the first part has no map");

            // not an image: failed, with the reason
            Files.writeString(watch.resolve("junk.png"), "not an image");
            await("the unreadable file", () -> names(watch.resolve("failed")).size() == 2);
            assertEquals(List.of("junk.png", "junk.png.error.txt"), names(watch.resolve("failed")));
            String error = Files.readString(watch.resolve("failed/junk.png.error.txt"), StandardCharsets.UTF_8);
            assertTrue(error.contains("not a readable image") && error.lines().count() == 1, error);
            assertEquals(5, json(get(service.port(), "/v1/stations/a")).get("inspected").getAsLong());
        }
        assertEquals(List.of(), names(watch.resolve("processing")));

        // as if the service had stopped after answering part 5 but before moving it: the restart finishes
        // the move from the station's record, without inspecting the part again
        String token = result(watch, "5_s.json").get("source").getAsString();
        Files.move(watch.resolve("done/5_s.png"), watch.resolve("processing").resolve(token));
        Files.delete(watch.resolve("results/5_s.json"));
        try (Service service = Service.start(Fixtures.settings(state, 4, station(watch)))) {
            await("the answered file", () -> names(watch.resolve("done")).contains("5_s.png"));
            assertEquals("NORMAL", result(watch, "5_s.json").get("verdict").getAsString());
            assertEquals(5, json(get(service.port(), "/v1/stations/a")).get("inspected").getAsLong());
        }
    }
}
