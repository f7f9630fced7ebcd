package io.musc4j.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed atomic write names the file it was writing and leaves no temporary file. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFailedWriteNamesTheFileAndTheReason() throws Exception {
        Path target = dir.resolve("scores.csv");
        Files.createDirectories(target.resolve("in-the-way")); // a non-empty folder where the file should go
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(target, "x"));
        assertEquals(target.toString(), e.getFile());
        assertTrue(e.getMessage().startsWith(target + ": cannot write ("), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no temporary file left");
        }
    }

    @Test
    void aWriteReplacesTheFileWhole() throws Exception {
        Path target = dir.resolve("a/b.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
    }
}
