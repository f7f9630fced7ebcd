package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that start at once on one {@code --out}: one gets it, every other one says it is locked. */
class OutputFolderRaceTest {

    @TempDir
    Path tmp;

    @Test
    void simultaneousStartsOnOneFolderLoseToTheLockOnly() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ExecutorService pool = Executors.newFixedThreadPool(13);
        try {
            for (int round = 0; round < 12; round++) {
                Path out = tmp.resolve("out" + round);
                // other content makes the winner's start take a while, as a results folder in use does
                for (int d = 0; d < 200; d++) {
                    java.nio.file.Files.createDirectories(out.resolve("other/" + d));
                }
                List<Callable<String>> starts = new ArrayList<>();
                for (int i = 0; i < 13; i++) {
                    starts.add(() -> {
                        try (OutputFolder folder = OutputFolder.open(out, tmp.resolve("data"), List.of("brick"), false, quiet)) {
                            Thread.sleep(20);
                            return "won";
                        } catch (IllegalArgumentException e) {
                            return e.getMessage();
                        }
                    });
                }
                int won = 0;
                for (Future<String> f : pool.invokeAll(starts)) {
                    String outcome = f.get();
                    if (outcome.equals("won")) {
                        won++;
                    } else {
                        assertEquals(out + ": another musc run is writing to this folder; wait for it or choose "
                                + "another --out", outcome);
                    }
                }
                assertTrue(won >= 1, "someone gets the folder");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
