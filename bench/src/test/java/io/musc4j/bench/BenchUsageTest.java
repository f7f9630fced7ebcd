package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code musc bench}'s usage: every command's description prints as written, with no formatting warning. */
class BenchUsageTest {

    @Test
    void theUsageListsEveryCommandAsWritten() {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = BenchMain.execute();
        } finally {
            System.setErr(err);
        }
        String usage = e.toString(StandardCharsets.UTF_8);
        assertEquals(0, code);
        assertFalse(usage.contains("WARN"), usage);
        // a '%' in a description is a format conversion to picocli unless doubled
        assertTrue(usage.replaceAll("\\s+", " ").contains("beside F1-max, at defect shares from 2 to 70 %."), usage);
    }
}
