package io.musc4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.musc4j.engine.MuSc;
import io.musc4j.engine.inspect.Inspector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --pack-weights} and a station's {@code pack_weights}: which stations pack, and that they do. */
class PackWeightsOptionTest {

    private static ServeSettings settings(Path dir, String... extra) throws IOException {
        ServeCommand cmd = new ServeCommand();
        List<String> args = new java.util.ArrayList<>(List.of("--state", dir.resolve("state").toString()));
        args.addAll(List.of(extra));
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        return cmd.settings();
    }

    @Test
    void theFlagPacksEveryStationUnlessItsOwnEntrySaysOtherwise(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("stations.json");
        Files.writeString(config, "{\"stations\": [{\"id\": \"a\"}, {\"id\": \"b\", \"pack_weights\": false},"
                + " {\"id\": \"c\", \"pack_weights\": true}]}", StandardCharsets.UTF_8);
        String model = Fixtures.MODEL.toString();
        assertEquals(List.of(false, false, true), settings(dir, "--model", model, "--config", config.toString())
                .stations().stream().map(StationSpec::packWeights).toList());
        assertEquals(List.of(true, false, true), settings(dir, "--model", model, "--config", config.toString(),
                "--pack-weights").stations().stream().map(StationSpec::packWeights).toList());
    }

    @Test
    void aPackingStationsInspectorPacksItsBackboneForOnePart() throws IOException {
        StationSpec spec = new StationSpec("a", Fixtures.musc(), 4, 3, io.musc4j.engine.threshold.ThresholdRule
                .parse("mad:1"), null, true);
        try (MuSc model = MuSc.builder().config(spec.musc()).build();
             Inspector inspector = spec.inspector(model).build()) {
            // packed for one image per pass: asking for another batch size is refused, the same one is not
            assertThrows(IllegalStateException.class, () -> model.extractor().packWeights(2));
            model.extractor().packWeights(1);
            assertEquals(0, inspector.bankSize());
        }
    }
}
