package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code that runs a set (engine, models, batch) names no device of its own: every manager is
 * opened on the backbone's device or under a manager that is, so {@code Device.gpu(1)} is honoured
 * and no CPU-made array meets a GPU array. Devices are named only where the user's choice is
 * resolved, and bfloat16 is named only where the precision is defined and where arrays are converted to
 * it inside libtorch ({@code vit.Casts}): DJL's own conversion to it ends the process. {@link DeviceDisciplineTest}
 * checks the same at run time for the default device; this covers what it cannot see on a CPU (an
 * explicit CPU manager is the same device there).
 */
class DeviceSourcesTest {

    /** What must not appear in main code, with why. */
    private static final Map<Pattern, String> BANNED = Map.of(
            Pattern.compile("newBaseManager\\(\\s*\\)"), "a manager on DJL's default device (GPU 0 whenever there is a GPU)",
            Pattern.compile("newSubManager\\(\\s*Device\\."), "a sub-manager on a fixed device",
            Pattern.compile("Device\\.(cpu|gpu)\\("), "a fixed device",
            Pattern.compile("defaultDevice\\("), "DJL's default device",
            Pattern.compile("DataType\\.BFLOAT16"), "bfloat16 (DJL cannot convert to it: see vit.Casts)");

    /**
     * Where a device may be named: the resolution of the user's device choice, and the manager that
     * anchors a TorchScript module (ScriptModule), which holds no tensor and runs on its inputs' device,
     * and the measurement of the CPU's MSM product size, which is about the CPU alone; bfloat16 where the
     * precision is defined and in the one conversion to it that libtorch makes.
     */
    private static final Map<String, Pattern> ALLOWED = Map.of(
            "models/src/main/java/io/musc4j/models/BackboneOptions.java", Pattern.compile("Device\\.(cpu|gpu)\\("),
            "models/src/main/java/io/musc4j/models/script/ScriptModule.java", Pattern.compile("Device\\.(cpu|gpu)\\("),
            "engine/src/main/java/io/musc4j/engine/msm/ProductSizing.java", Pattern.compile("Device\\.(cpu|gpu)\\("),
            "models/src/main/java/io/musc4j/models/Precision.java", Pattern.compile("DataType\\.BFLOAT16"),
            "models/src/main/java/io/musc4j/models/vit/Casts.java", Pattern.compile("DataType\\.BFLOAT16"));

    @Test
    void noRunCodeNamesADeviceOrMakesBf16() throws IOException {
        Path repo = Path.of(System.getProperty("musc4j.testdata")).getParent();
        List<String> found = new ArrayList<>();
        int files = 0;
        for (String module : List.of("engine", "models", "batch")) {
            List<Path> sources;
            try (Stream<Path> s = Files.walk(repo.resolve(module).resolve("src/main/java"))) {
                sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            }
            for (Path file : sources) {
                files++;
                String rel = repo.relativize(file).toString().replace('\\', '/');
                String code = withoutComments(Files.readString(file));
                for (Map.Entry<Pattern, String> ban : BANNED.entrySet()) {
                    Pattern allowed = ALLOWED.get(rel);
                    if (allowed != null && allowed.pattern().equals(ban.getKey().pattern())) {
                        continue;
                    }
                    Matcher m = ban.getKey().matcher(code);
                    while (m.find()) {
                        found.add(rel + ":" + line(code, m.start()) + ": " + ban.getValue());
                    }
                }
            }
        }
        assertTrue(files > 50, "scanned only " + files + " files: wrong folder?");
        assertEquals(List.of(), found);
    }

    @Test
    void theScanSeesCodeButNotComments() {
        String code = withoutComments("/** {@code Device.cpu()} */ int a; // Device.gpu()\nNDManager.newBaseManager();");
        assertTrue(BANNED.keySet().stream().filter(p -> p.matcher(code).find()).count() == 1, code);
    }

    /** The source with comments blanked out (newlines kept, so line numbers stay right). */
    private static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
                source.substring(i, end).chars().filter(c -> c == '\n').forEach(c -> out.append('\n'));
                i = end;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (source.charAt(i) == '"') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != '"') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                out.append("\"\"");
                i = Math.min(source.length(), end + 1);
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }

    private static int line(String code, int offset) {
        return (int) code.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
