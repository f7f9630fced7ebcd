package io.musc4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four clients on loopback against two stations side by side, a small queue so some requests meet a
 * 503 and retry: every part answered exactly once, each station's sequences contiguous. (The full
 * 4 x 500 load with figures is {@code ./musc bench serve-load}.)
 */
class LoadTest {

    @TempDir
    Path tmp;

    @Test
    void nothingIsLostOrAnsweredTwice() throws Exception {
        int clients = 4;
        int parts = 50;
        try (Service service = Service.start(Fixtures.settings(tmp, 2, Fixtures.station("a", null),
                Fixtures.station("b", null)))) {
            LoadRun.Report report = LoadRun.run(service.port(), List.of("a", "b"), clients, parts, Fixtures.parts(),
                    Duration.ofMinutes(10));
            System.out.println("load test (shared machine, figures not meaningful): " + report.summary());
            assertEquals(clients * parts, report.answered());
            assertNull(report.gaps(Map.of()));
            assertEquals(clients * parts / 2, report.sequences().get("a").size());
            assertEquals(clients * parts / 2, report.sequences().get("b").size());
        }
    }
}
