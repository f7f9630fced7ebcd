package io.musc4j.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run's output folder ({@code --out}). {@link #open} checks it before anything is computed (a folder,
 * or creatable; writable; not a virtual file system; not the data folder), locks it against a second
 * run, and removes the temporary files an interrupted run left. A category's files are written to a
 * staging folder and moved into place only when complete ({@link #stage}, {@link #commit}), and the
 * run-level files of an earlier run are removed before the new run computes ({@link #clearRunFiles}),
 * so a run that fails part-way never leaves two runs' files side by side.
 */
final class OutputFolder implements AutoCloseable {

    /** The files that describe a whole run; only a finished run writes them. */
    static final List<String> RUN_FILES = List.of("run.json", "report.html", "metrics.json", "metrics.md");

    private static final String LOCK = ".musc.lock";
    private static final String STAGING = ".staging";
    private static final String REPLACED = ".replaced";
    private static final List<String> VIRTUAL = List.of("/proc", "/sys", "/dev");

    private final Path out;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private OutputFolder(Path out, FileChannel lockChannel, FileLock lock) {
        this.out = out;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * The checks that need nothing written: {@code out} is a folder or can become one, outside
     * {@code /proc}, {@code /sys} and {@code /dev}, and neither the data folder nor one holding it.
     *
     * @throws IllegalArgumentException with one line naming {@code out} and the reason
     */
    static void check(Path out, Path data) {
        Path existing = nearestExisting(out.toAbsolutePath().normalize());
        Path real = real(existing);
        for (String v : VIRTUAL) {
            if (real.startsWith(v)) {
                throw problem(out, "is under " + v + ", a virtual file system that cannot hold results; choose "
                        + "another --out");
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw problem(out, "exists and is not a folder; --out needs a folder (it is created if missing)");
        }
        if (!Files.isDirectory(existing)) {
            throw problem(out, "cannot create the folder (" + existing + " is a file)");
        }
        if (Files.isDirectory(data) && real(data).startsWith(real(out))) {
            throw problem(out, (real(data).equals(real(out)) ? "is the data folder" : "holds the data folder")
                    + " (--data); choose another --out");
        }
    }

    /**
     * {@link #check}s, creates and locks {@code out}, checks that it is writable, then removes stale
     * temporary files (named on {@code log}).
     *
     * @throws IllegalArgumentException with one line naming {@code out} and the reason
     */
    static OutputFolder open(Path out, Path data, PrintStream log) {
        check(out, data);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw problem(out, "cannot create the folder (" + reason(e) + ")");
        }
        try {
            Files.delete(Files.createTempFile(out, ".musc-probe", ".tmp"));
        } catch (IOException e) {
            throw problem(out, "not writable (" + reason(e) + ")");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(out.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            OutputFolder folder = new OutputFolder(out, channel, lock);
            folder.removeStale(log);
            return folder;
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw problem(out, "another musc run is writing to this folder; wait for it or choose another --out");
        } catch (IOException e) {
            close(channel);
            throw problem(out, "cannot lock the folder (" + reason(e) + ")");
        }
    }

    Path path() {
        return out;
    }

    /**
     * Removes an earlier run's run-level files ({@link #RUN_FILES}), so that they never sit beside results
     * of another run; this run writes them when it ends.
     */
    void clearRunFiles() throws IOException {
        for (String f : RUN_FILES) {
            Files.deleteIfExists(out.resolve(f));
        }
    }

    /** An empty staging folder for category {@code name}'s files. */
    Path stage(String name) throws IOException {
        Path staging = out.resolve("." + name + STAGING);
        deleteTree(staging);
        return Files.createDirectories(staging);
    }

    /** Moves category {@code name}'s staged files into place, replacing its earlier results as a whole. */
    Path commit(String name) throws IOException {
        Path staging = out.resolve("." + name + STAGING);
        Path target = out.resolve(name);
        Path replaced = out.resolve("." + name + REPLACED);
        deleteTree(replaced);
        if (Files.exists(target)) {
            Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(replaced);
        return target;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        close(lockChannel);
    }

    /**
     * Temporary files ({@code .NAME…tmp}, from an interrupted atomic write) and staging folders left by
     * an interrupted run: nothing else writes here while the lock is held.
     */
    private void removeStale(PrintStream log) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.walk(out)) {
            stale = files.filter(p -> !p.equals(out)).filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && (n.endsWith(".tmp") && Files.isRegularFile(p)
                        || (n.endsWith(STAGING) || n.endsWith(REPLACED)) && Files.isDirectory(p));
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path p : stale) {
            deleteTree(p);
        }
        if (!stale.isEmpty()) {
            log.println("musc: removed " + stale.size() + " temporary file" + (stale.size() == 1 ? "" : "s")
                    + " left in " + out + " by an interrupted run");
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** What went wrong with a file operation, in words (the JDK names only the path for some). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a folder";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + " is not a folder";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : words(e.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : words(e.getClass().getSimpleName());
    }

    /** "DirectoryNotEmptyException" → "directory not empty". */
    private static String words(String exceptionName) {
        return exceptionName.replaceFirst("Exception$", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static IllegalArgumentException problem(Path out, String why) {
        return new IllegalArgumentException(out + ": " + why);
    }

    private static Path nearestExisting(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? p.getRoot() : q;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was written through it
            }
        }
    }
}
