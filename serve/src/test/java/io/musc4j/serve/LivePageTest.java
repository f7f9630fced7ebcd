package io.musc4j.serve;

import static io.musc4j.serve.Fixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page in headless Chromium (Debian's {@code chromium}; .ci/run installs it): after its
 * scripts ran, the page shows both stations with their counts, the last parts' heatmaps framed in
 * their verdict's colour, and the score trend. The screenshot is kept in target/live-page.png.
 */
class LivePageTest {

    @TempDir
    Path tmp;

    private static boolean chromium() {
        try {
            Process p = new ProcessBuilder("chromium", "--version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private String chromium(String url, String... mode) throws Exception {
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=1400,1000", "--virtual-time-budget=10000",
                "--user-data-dir=" + tmp.resolve("profile")));
        command.addAll(List.of(mode));
        command.add(url);
        Process p = new ProcessBuilder(command).redirectError(tmp.resolve("chromium.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium did not finish");
        return out;
    }

    @Test
    void thePageShowsTheStations() throws Exception {
        Assumptions.assumeTrue(chromium(), "Debian's chromium is not installed (.ci/run installs it)");
        List<byte[]> parts = Fixtures.parts();
        try (Service service = Service.start(Fixtures.settings(tmp.resolve("state"), 8, Fixtures.station("a", null),
                Fixtures.station("b", null)))) {
            int port = service.port();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, post(port, "a", parts.get(i)).statusCode());
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(200, post(port, "b", parts.get(i)).statusCode());
            }
            String url = "http://127.0.0.1:" + port + "/";
            String dom = chromium(url, "--dump-dom");
            assertTrue(dom.contains("id=\"station-a\"") && dom.contains("id=\"station-b\""), dom);
            // station a: its last six parts, #10 first; parts 9 and 10 are the anomalous ones of the fixture
            assertTrue(dom.contains("<div class=\"part ANOMALOUS\"><img alt=\"heatmap of part 10\" src=\"/v1/stations/a/parts/10/heatmap.png\">"), dom);
            assertTrue(dom.contains("#5 <span class=\"verdict\">normal</span>"), dom);
            assertTrue(dom.contains("<b>10</b><span>inspected</span>"), dom);
            assertTrue(dom.contains("<b>2</b><span>warming up</span>") || dom.contains("<b>2</b><span>inspected</span>"), dom);

            Path shot = Path.of("target", "live-page.png").toAbsolutePath();
            Files.deleteIfExists(shot);
            chromium(url, "--screenshot=" + shot);
            BufferedImage image = ImageIO.read(shot.toFile());
            assertEquals(1400, image.getWidth());
            // the frames of anomalous (#cf222e) and normal (#1a7f37) parts, and the trend's line (#3b6fd4)
            assertTrue(pixels(image, 0xcf222e) > 200, "no anomalous frame");
            assertTrue(pixels(image, 0x1a7f37) > 200, "no normal frame");
            assertTrue(pixels(image, 0x3b6fd4) > 100, "no score trend");
        }
    }

    private static int pixels(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) < 12 && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) < 12
                        && Math.abs((p & 255) - (rgb & 255)) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}
