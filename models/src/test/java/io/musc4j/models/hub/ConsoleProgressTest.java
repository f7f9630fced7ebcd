package io.musc4j.models.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1024 * 1024;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final AtomicLong clock = new AtomicLong();

    @Test
    void withoutATerminalPrintsAnOccasionalLine() {
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8), false, clock::get);
        p.started("model.safetensors", 100 * MIB, 0);
        for (int i = 1; i <= 40; i++) { // 40 MiB over 8 s: one line when 5 s have passed, no more
            clock.addAndGet(SECOND / 5);
            p.advanced("model.safetensors", i * MIB);
        }
        p.finished("model.safetensors");

        String[] lines = text().split("\n");
        assertEquals(3, lines.length, text());
        assertEquals("downloading model.safetensors (100.0 MiB)", lines[0]);
        // after 25 × 0.2 s = 5 s: 25 MiB of 100 at 5 MiB/s
        assertEquals("model.safetensors  25% 25.0 MiB / 100.0 MiB 5.0 MiB/s", lines[1]);
        assertEquals("model.safetensors: 40.0 MiB done in 8.0 s", lines[2]);
        assertTrue(!text().contains("\r"));
    }

    @Test
    void onATerminalRedrawsOneLineAndCountsOnlyNewBytesInTheRate() {
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8), true, clock::get);
        p.started("model.safetensors", 4 * MIB, 2 * MIB); // resumed: 2 MiB were already on disk
        clock.addAndGet(SECOND);
        p.advanced("model.safetensors", 3 * MIB);
        clock.addAndGet(SECOND);
        p.advanced("model.safetensors", 4 * MIB);
        p.finished("model.safetensors");

        String out = text();
        assertTrue(out.contains("\rmodel.safetensors  75% 3.0 MiB / 4.0 MiB 1.0 MiB/s"), out);
        assertTrue(out.endsWith("\rmodel.safetensors 100% 4.0 MiB / 4.0 MiB 1.0 MiB/s" + System.lineSeparator()), out);
        assertEquals(1, out.split("\n").length);
    }

    private String text() {
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
