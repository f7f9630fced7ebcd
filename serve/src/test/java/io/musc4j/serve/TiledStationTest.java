package io.musc4j.serve;

import static io.musc4j.serve.Fixtures.get;
import static io.musc4j.serve.Fixtures.getBytes;
import static io.musc4j.serve.Fixtures.json;
import static io.musc4j.serve.Fixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.TiledInspector;
import io.musc4j.engine.inspect.Verdict;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * A tiled station ({@code --tiles}): each answer is a {@link TiledInspector}'s fed the same parts here,
 * bit for bit, with every tile's place and judgement; the heatmap draws each tile as the network saw it,
 * against its own threshold; a restart carries on; and the options reach the station's configuration.
 */
class TiledStationTest {

    private static final Tiling BY_POSITION = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION);
    private static final Tiling ALL = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.ALL);

    @TempDir
    Path tmp;

    private static StationSpec station(Tiling tiling) {
        MuscConfig musc = Fixtures.musc().toBuilder().tiling(tiling).build();
        return new StationSpec("t", musc, 4, 3, ThresholdRule.parse("mad:1"), null, false);
    }

    /**
     * 448×448 parts of four brick images each, one per quadrant: good ones, and in the later parts a
     * scratched brick in one quadrant.
     */
    private static List<byte[]> parts() throws IOException {
        List<byte[]> parts = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            BufferedImage part = new BufferedImage(448, 448, BufferedImage.TYPE_3BYTE_BGR);
            for (int q = 0; q < 4; q++) {
                boolean scratched = k >= 5 && q == k % 4;
                Path file = Fixtures.IMAGES.resolve(scratched ? String.format("scratch/%03d.png", k - 5)
                        : String.format("good/%03d.png", (k + 3 * q) % 12));
                BufferedImage quadrant = ImageIO.read(file.toFile());
                part.getGraphics().drawImage(quadrant, (q % 2) * 224, (q / 2) * 224, 224, 224, null);
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(part, "png", png);
            parts.add(png.toByteArray());
        }
        return parts;
    }

    /** What a tiled inspector never interrupted answers for each part. */
    private List<TiledInspector.TiledInspection> reference(StationSpec spec, List<byte[]> parts) throws IOException {
        List<TiledInspector.TiledInspection> out = new ArrayList<>();
        try (MuSc musc = MuSc.builder().config(spec.musc()).build();
                TiledInspector inspector = spec.inspector(musc).buildTiled()) {
            for (int i = 0; i < parts.size(); i++) {
                Path f = tmp.resolve("ref-" + i + ".png");
                Files.write(f, parts.get(i));
                out.add(inspector.inspect(musc.imageDecoder().decode(f)));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(TilePool.class)
    void eachAnswerIsTheTiledInspectorsAndARestartCarriesOn(TilePool pool) throws Exception {
        StationSpec spec = station(pool == TilePool.ALL ? ALL : BY_POSITION);
        List<byte[]> parts = parts();
        List<TiledInspector.TiledInspection> expected = reference(spec, parts);
        assertTrue(expected.stream().anyMatch(p -> p.verdict() == Verdict.ANOMALOUS), "a scratched part is found");
        assertTrue(expected.stream().anyMatch(p -> p.verdict() == Verdict.NORMAL));
        Path state = tmp.resolve("state");
        int k = 4;
        try (Service service = Service.start(Fixtures.settings(state, 8, spec))) {
            for (int i = 0; i < k; i++) {
                assertAnswer(expected.get(i), answer(service, parts.get(i)), pool);
            }
        }
        try (Service service = Service.start(Fixtures.settings(state, 8, spec))) {
            JsonObject view = json(get(service.port(), "/v1/stations/t"));
            assertEquals(k, view.get("inspected").getAsLong(), "no new warm-up after the restart");
            assertEquals(spec.musc().tiling().describe(), view.get("tiling").getAsString());
            // the thresholds the next part's tiles are judged against: one per position, or the pool's one
            var thresholds = view.getAsJsonArray("tile_thresholds");
            List<Inspection> next = expected.get(k).tiles();
            assertEquals(pool == TilePool.ALL ? 1 : 4, thresholds.size());
            for (int t = 0; t < thresholds.size(); t++) {
                assertEquals(bits(next.get(t).threshold()), bits(number(thresholds.get(t))), "bank " + t);
            }
            for (int i = k; i < parts.size(); i++) {
                JsonObject answer = answer(service, parts.get(i));
                assertAnswer(expected.get(i), answer, pool);
                byte[] png = getBytes(service.port(), answer.get("heatmap").getAsString()).body();
                BufferedImage heatmap = ImageIO.read(new ByteArrayInputStream(png));
                // 2x2 tiles of 224 pixels, each drawn as the network saw it, at 112
                assertEquals(224, heatmap.getWidth(), "each tile at the network's size");
                assertEquals(224, heatmap.getHeight());
            }
            // a part of another size than the first, whose grid the banks hold: 400, the station unchanged
            var other = post(service.port(), "t", Files.readAllBytes(Fixtures.IMAGES.resolve("good/000.png")));
            assertEquals(400, other.statusCode(), other.body());
            assertEquals("{\"error\":\"a part of 224x224 is not the size of the first part, 448x448, whose tiles the"
                    + " banks hold\"}", other.body());
            assertEquals(parts.size(), json(get(service.port(), "/v1/stations/t")).get("inspected").getAsLong());
            // every field of an answer is in the published schema
            JsonObject schemas = JsonParser.parseString(get(service.port(), "/v1/openapi.json").body()).getAsJsonObject()
                    .getAsJsonObject("components").getAsJsonObject("schemas");
            JsonObject last = json(get(service.port(), "/v1/stations/t")).getAsJsonArray("recent").asList().get(0)
                    .getAsJsonObject();
            assertEquals(schemas.getAsJsonObject("Part").getAsJsonObject("properties").keySet(), last.keySet());
            assertEquals(schemas.getAsJsonObject("Tile").getAsJsonObject("properties").keySet(),
                    last.getAsJsonArray("tiles").get(0).getAsJsonObject().keySet());
            assertTrue(schemas.getAsJsonObject("Station").getAsJsonObject("properties").keySet().containsAll(
                    json(get(service.port(), "/v1/stations/t")).keySet()));
        }
    }

    private static JsonObject answer(Service service, byte[] part) throws IOException, InterruptedException {
        var response = post(service.port(), "t", part);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    /** The part's answer is the stitched inspection's; each tile is listed where it lies, as its bank judged it. */
    private static void assertAnswer(TiledInspector.TiledInspection want, JsonObject got, TilePool pool) {
        long sequence = want.tiles().get(0).sequence();
        assertEquals(sequence, got.get("sequence").getAsLong());
        assertEquals(want.verdict().name(), got.get("verdict").getAsString(), "part " + sequence);
        assertEquals(bits(want.score()), bits(number(got.get("score"))), "score of part " + sequence);
        assertEquals(448, got.getAsJsonObject("image").get("width").getAsInt());
        var regions = got.getAsJsonArray("regions");
        assertEquals(want.regions().size(), regions.size());
        for (int i = 0; i < regions.size(); i++) {
            JsonObject r = regions.get(i).getAsJsonObject();
            var box = want.regions().get(i).box();
            assertEquals(List.of(box.x0(), box.y0(), box.width(), box.height()), List.of(r.get("x").getAsInt(),
                    r.get("y").getAsInt(), r.get("width").getAsInt(), r.get("height").getAsInt()));
        }
        var tiles = got.getAsJsonArray("tiles");
        assertEquals(4, tiles.size());
        TileGrid grid = want.grid();
        Set<Long> thresholds = new java.util.HashSet<>();
        for (int t = 0; t < 4; t++) {
            JsonObject tile = tiles.get(t).getAsJsonObject();
            Inspection w = want.tiles().get(t);
            assertEquals(List.of(grid.x(t), grid.y(t), 224, 224), List.of(tile.get("x").getAsInt(),
                    tile.get("y").getAsInt(), tile.get("width").getAsInt(), tile.get("height").getAsInt()));
            assertEquals(bits(w.score()), bits(number(tile.get("score"))), "tile " + t + " of part " + sequence);
            assertEquals(bits(w.threshold()), bits(number(tile.get("threshold"))));
            assertEquals(w.verdict().name(), tile.get("verdict").getAsString());
            thresholds.add(bits(w.threshold()));
        }
        // one threshold where the tiles shared one (pooled, or warming up), else none at the top
        double threshold = number(got.get("threshold"));
        if (thresholds.size() == 1) {
            assertEquals(thresholds.iterator().next(), bits(threshold));
        } else {
            assertEquals(TilePool.POSITION, pool);
            assertTrue(Double.isNaN(threshold));
        }
    }

    /**
     * The heatmap measures each tile against its own bank's threshold: a normal tile stays at or below the
     * scale's middle, a tile with regions rises above it, whatever the other positions' thresholds.
     */
    @Test
    void theHeatmapShowsEachTileAgainstItsOwnThreshold() throws IOException {
        StationSpec spec = station(BY_POSITION);
        List<byte[]> parts = parts();
        boolean sawAnomalous = false;
        try (MuSc musc = MuSc.builder().config(spec.musc()).build();
                StationInspector inspector = StationInspector.open(spec, musc, tmp.resolve("none"))) {
            for (int i = 0; i < parts.size(); i++) {
                Path f = tmp.resolve(i + ".png");
                Files.write(f, parts.get(i));
                RgbImage image = musc.imageDecoder().decode(f);
                StationInspector.Inspected part = inspector.inspect(image);
                if (part.verdict() == Verdict.WARMING_UP) {
                    continue;
                }
                StationInspector.Heatmap heatmap = part.heatmap();
                assertNotNull(heatmap);
                assertEquals(0f, heatmap.norm().min());
                assertEquals(2f, heatmap.norm().max(), "the threshold is the scale's middle");
                // the picture shows each 224-pixel tile at the network's 112
                assertEquals(224, heatmap.width());
                for (int t = 0; t < 4; t++) {
                    PartResult.Tile tile = part.tiles().get(t);
                    float highest = Float.NEGATIVE_INFINITY;
                    for (int y = tile.y() / 2; y < (tile.y() + tile.height()) / 2; y++) {
                        for (int x = tile.x() / 2; x < (tile.x() + tile.width()) / 2; x++) {
                            highest = Math.max(highest, heatmap.map()[y * heatmap.width() + x]);
                        }
                    }
                    boolean hasRegion = part.regions().stream().anyMatch(r -> r.box().x0() >= tile.x()
                            && r.box().x0() < tile.x() + tile.width() && r.box().y0() >= tile.y()
                            && r.box().y0() < tile.y() + tile.height());
                    if (tile.verdict().equals("NORMAL")) {
                        assertTrue(highest <= 1f, "normal tile " + t + " of part " + part.sequence() + ": " + highest);
                    }
                    if (hasRegion) {
                        sawAnomalous = true;
                        assertTrue(highest > 1f, "tile " + t + " of part " + part.sequence() + " has a region: " + highest);
                    }
                }
            }
        }
        assertTrue(sawAnomalous, "some tile had a region");
    }

    /**
     * The heatmap draws each tile at the network's size at most, on a grid scaled from the part's: over
     * many grids, every pixel of the picture lies in a tile (a map of ones stitches to ones), no tile is
     * larger than S, and the picture is never larger than the part.
     */
    @Test
    void theHeatmapsGridCoversEveryPixelWithTilesOfAtMostTheNetworksSize() {
        java.util.Random random = new java.util.Random(7);
        int checked = 0;
        for (int trial = 0; trial < 300; trial++) {
            int width = 200 + random.nextInt(4000);
            int height = 200 + random.nextInt(3000);
            TileOverlap overlap = random.nextBoolean() ? TileOverlap.parse(String.valueOf(random.nextInt(40)))
                    : TileOverlap.parse("0." + (1 + random.nextInt(4)));
            Tiling tiling = random.nextBoolean()
                    ? Tiling.grid(1 + random.nextInt(5), 1 + random.nextInt(5), overlap, TilePool.POSITION)
                    : Tiling.ofSize(160 + random.nextInt(900), overlap, TilePool.POSITION);
            TileGrid grid;
            try {
                grid = tiling.grid(width, height);
            } catch (IllegalArgumentException e) {
                continue; // a tiling this part cannot take
            }
            int size = List.of(112, 224, 448).get(random.nextInt(3));
            TileGrid shown = StationInspector.Tiled.shown(grid, size);
            String what = tiling.describe() + " on " + width + "x" + height + " at " + size;
            assertTrue(shown.tileWidth() <= size && shown.tileHeight() <= size, what);
            assertTrue(shown.width() <= width && shown.height() <= height, what);
            assertEquals(grid.count(), shown.count(), what);
            float[] ones = new float[size * size];
            java.util.Arrays.fill(ones, 1f);
            for (float v : shown.stitch(k -> ones, size).values()) {
                assertEquals(1f, v, 1e-6f, what);
            }
            checked++;
        }
        assertTrue(checked > 200, "grids checked: " + checked);
    }

    /**
     * A packing station pooled all together runs a part's four tiles in one pass, on the ordinary weights:
     * the same bits as a station that does not pack.
     */
    @Test
    void aPackingStationPooledAllTogetherScoresAsOneThatDoesNotPack() throws IOException {
        List<byte[]> parts = parts().subList(0, 4);
        StationSpec plain = station(ALL);
        StationSpec packing = new StationSpec("t", plain.musc(), 4, 3, plain.threshold(), null, true);
        List<Double> scores = new ArrayList<>();
        for (StationSpec spec : List.of(plain, packing)) {
            try (MuSc musc = MuSc.builder().config(spec.musc()).build();
                    StationInspector inspector = StationInspector.open(spec, musc, tmp.resolve("none"))) {
                for (int i = 0; i < parts.size(); i++) {
                    Path f = tmp.resolve("pack-" + i + ".png");
                    Files.write(f, parts.get(i));
                    scores.add(inspector.inspect(musc.imageDecoder().decode(f)).score());
                }
            }
        }
        assertEquals(scores.subList(0, 4), scores.subList(4, 8));
    }

    /** A state saved by the station untiled is refused once it tiles, and the other way round, in one line. */
    @Test
    void aStateOfTheOtherKindIsRefused() throws Exception {
        List<byte[]> parts = parts();
        Path plain = tmp.resolve("plain");
        StationSpec untiled = station(Tiling.NONE);
        StationSpec tiled = station(BY_POSITION);
        try (Service service = Service.start(Fixtures.settings(plain, 8, untiled))) {
            answer(service, parts.get(0));
        }
        IOException refused = assertThrows(IOException.class, () -> Service.start(Fixtures.settings(plain, 8, tiled)));
        assertEquals("station t: " + plain.resolve("t/inspector") + ": holds the state of an untiled station, and this"
                + " one tiles (2x2 overlap 0px pool position); refusing to restore it (give the station another --state"
                + " folder to start afresh)", refused.getMessage());
        Path tiledState = tmp.resolve("tiled");
        try (Service service = Service.start(Fixtures.settings(tiledState, 8, tiled))) {
            answer(service, parts.get(0));
        }
        refused = assertThrows(IOException.class, () -> Service.start(Fixtures.settings(tiledState, 8, untiled)));
        assertEquals("station t: " + tiledState.resolve("t/inspector") + ": holds the state of a tiled station, and"
                + " this one does not tile; refusing to restore it (give the station another --state folder to start"
                + " afresh)", refused.getMessage());
    }

    @Test
    void theTileOptionsReachEveryStationAndABadOneIsOneLine() throws IOException {
        Path config = tmp.resolve("stations.json");
        Files.writeString(config, "{\"stations\": [{\"id\": \"a\"}, {\"id\": \"b\", \"tile_size\": 300},"
                + " {\"id\": \"c\", \"tile_pool\": \"all\"}]}", StandardCharsets.UTF_8);
        List<StationSpec> stations = settings("--model", Fixtures.MODEL.toString(), "--config", config.toString(),
                "--tiles", "2x3", "--tile-overlap", "16").stations();
        TileOverlap sixteen = TileOverlap.parse("16");
        assertEquals(Tiling.grid(2, 3, sixteen, TilePool.POSITION), stations.get(0).musc().tiling());
        assertEquals(Tiling.ofSize(300, sixteen, TilePool.POSITION), stations.get(1).musc().tiling());
        assertEquals(Tiling.grid(2, 3, sixteen, TilePool.ALL), stations.get(2).musc().tiling());
        assertTrue(settings("--model", Fixtures.MODEL.toString(), "--stations", "a").stations().get(0).musc().tiling()
                .isOff());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> settings("--model", Fixtures.MODEL.toString(), "--stations", "a", "--tiles", "2"));
        assertTrue(bad.getMessage().startsWith("station a: --tiles: "), bad.getMessage());
        assertFalse(bad.getMessage().contains("\n"));
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> settings("--model", Fixtures.MODEL.toString(), "--stations", "a", "--tile-pool", "all"));
        assertEquals("station a: --tile-pool needs --tiles RxC or --tile-size PX", alone.getMessage());
    }

    private ServeSettings settings(String... args) throws IOException {
        ServeCommand cmd = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--state", tmp.resolve("state").toString()));
        all.addAll(List.of(args));
        new CommandLine(cmd).parseArgs(all.toArray(String[]::new));
        return cmd.settings();
    }

    private static long bits(double v) {
        return Double.doubleToLongBits(v);
    }

    private static double number(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }
}
