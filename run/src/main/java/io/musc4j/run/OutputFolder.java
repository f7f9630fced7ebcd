package io.musc4j.run;

import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run's output folder ({@code --out}). {@link #open} checks it before anything is computed (a folder,
 * or creatable; writable; not a virtual file system; not the data folder) and locks it against a second
 * run. musc4j deletes or replaces only what it wrote: every file and category folder it puts here is
 * listed in the manifest ({@value #MANIFEST}); a name the run would write that is taken by something
 * else (a folder named like a category, a user's {@code report.html}, a file added inside a category
 * folder) makes {@link #open} refuse, unless {@code --overwrite} says it may be replaced. Names musc4j
 * does not write are never touched. A category's files are written to a staging folder and moved into
 * place only when complete ({@link #stage}, {@link #commit}); a category that fails, and a run stopped
 * by SIGTERM or SIGINT, leave no staging folder behind. The run-level files of an earlier run are
 * removed before the new run computes ({@link #clearRunFiles}), so a run that fails part-way never leaves
 * two runs' files side by side.
 */
final class OutputFolder implements AutoCloseable {

    /** The files that describe a whole run; only a finished run writes them. */
    static final List<String> RUN_FILES = Manifest.RUN_FILES;

    /** What musc4j wrote here: the only files and folders it ever deletes or replaces. */
    static final String MANIFEST = Manifest.FILE;

    private static final String STAGING = ".musc4j-staging";
    private static final String REPLACED = ".musc4j-replaced";
    private static final List<String> VIRTUAL = List.of("/proc", "/sys", "/dev");

    private final Path out;
    private final FolderLock lock;
    private final Manifest manifest;
    private final Thread onSignal;
    /** The category being staged, removed if the run is stopped; null between categories. */
    private volatile String staging;

    private OutputFolder(Path out, FolderLock lock, Manifest manifest) {
        this.out = out;
        this.lock = lock;
        this.manifest = manifest;
        this.onSignal = new Thread(this::stopped, "musc4j-stopped");
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
     * {@link #check}s, creates and locks {@code out}, checks that it is writable, removes what an
     * interrupted run of musc4j left (named on {@code log}), and checks that each of {@code categories}
     * and {@link #RUN_FILES} is free or musc4j's own.
     *
     * @param categories the category folders this run may write
     * @param overwrite  whether a name this run writes may replace what someone else put there
     * @throws IllegalArgumentException with one line naming {@code out} and the reason
     */
    static OutputFolder open(Path out, Path data, Collection<String> categories, boolean overwrite, PrintStream log) {
        check(out, data);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw problem(out, "cannot create the folder (" + reason(e) + ")");
        }
        // the lock comes first: a run that loses it has written nothing another could trip over
        FolderLock lock = FolderLock.acquire(out);
        try {
            try {
                Files.delete(Files.createTempFile(out, ".probe" + AtomicFiles.TEMPORARY_MARK, ".tmp"));
            } catch (IOException e) {
                throw problem(out, "not writable (" + reason(e) + ")");
            }
            Path file = out.resolve(MANIFEST);
            OutputFolder folder = new OutputFolder(out, lock,
                    Files.exists(file) ? Manifest.parse(Files.readString(file)) : Manifest.empty());
            folder.removeStale(log);
            if (!overwrite) {
                Optional<String> refusal = folder.manifest.refusal(folder.contents(), categories);
                if (refusal.isPresent()) {
                    throw problem(out, refusal.get());
                }
            }
            Runtime.getRuntime().addShutdownHook(folder.onSignal);
            return folder;
        } catch (IOException e) {
            lock.close();
            throw problem(out, "cannot read the folder (" + reason(e) + ")");
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    Path path() {
        return out;
    }

    /**
     * Removes an earlier run's run-level files ({@link #RUN_FILES}), so that they never sit beside results
     * of another run; this run writes them when it ends ({@link #recordRunFiles}).
     */
    void clearRunFiles() throws IOException {
        for (String f : RUN_FILES) {
            deleteTree(out.resolve(f));
            manifest.remove(f);
        }
        writeManifest();
    }

    /** Lists the run-level files this run wrote in the manifest. */
    void recordRunFiles() throws IOException {
        for (String f : RUN_FILES) {
            if (Files.isRegularFile(out.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
                manifest.add(f);
            }
        }
        writeManifest();
    }

    /** An empty staging folder for category {@code name}'s files. */
    Path stage(String name) throws IOException {
        Path staging = stagingFolder(name);
        deleteTree(staging);
        this.staging = name;
        return Files.createDirectories(staging);
    }

    /**
     * Moves category {@code name}'s staged files into place, replacing its earlier results as a whole
     * (which {@link #open} found to be musc4j's own, or was told to {@code --overwrite}).
     */
    Path commit(String name) throws IOException {
        Path staged = stagingFolder(name);
        Path target = out.resolve(name);
        Path replaced = out.resolve("." + name + REPLACED);
        // listed before the move, so an interruption at any point leaves nothing musc4j wrote unlisted
        List<String> files = relativeFiles(staged, name);
        manifest.add(name + "/");
        files.forEach(manifest::add);
        writeManifest();
        deleteTree(replaced);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        staging = null;
        deleteTree(replaced);
        manifest.keepOnly(name + "/", files);
        writeManifest();
        return target;
    }

    /** Removes category {@code name}'s staging folder after it failed; its earlier results stay. */
    void discard(String name) {
        try {
            deleteTree(stagingFolder(name));
        } catch (IOException e) {
            // the next run removes it
        }
        staging = null;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs
        }
        lock.close();
    }

    /** SIGTERM or SIGINT while a category is staged: its partial files go, and the user is told. */
    private void stopped() {
        String name = staging;
        if (name != null) {
            discard(name);
            System.err.println("musc: stopped; the unfinished results of " + name + " were removed (finished "
                    + "categories are kept; run again with --resume to go on)");
        } else {
            System.err.println("musc: stopped");
        }
    }

    private void writeManifest() throws IOException {
        AtomicFiles.writeString(out.resolve(MANIFEST), manifest.toJson());
    }

    private Path stagingFolder(String name) {
        return out.resolve("." + name + STAGING);
    }

    /** This folder as {@link Manifest#refusal} sees it. */
    private Manifest.Contents contents() {
        return new Manifest.Contents() {
            @Override
            public Manifest.Kind kind(String path) {
                Path p = out.resolve(path);
                return !Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? Manifest.Kind.ABSENT
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Manifest.Kind.FOLDER
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Manifest.Kind.FILE : Manifest.Kind.OTHER;
            }

            @Override
            public List<String> files(String name) throws IOException {
                return relativeFiles(out.resolve(name), name);
            }
        };
    }

    /** The files and links under {@code folder}, as {@code prefix/relative/path}, sorted. */
    private static List<String> relativeFiles(Path folder, String prefix) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> prefix + "/" + folder.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * What an interrupted run of musc4j left where it writes: staging and replaced folders directly in
     * the folder, and temporary files there and in its category folders, each with a name only musc4j
     * uses ({@link AtomicFiles#isTemporary}); nothing else writes such names here while the lock is held.
     */
    private void removeStale(PrintStream log) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.list(out)) {
            stale = files.filter(p -> {
                String n = p.getFileName().toString();
                return AtomicFiles.isTemporary(n) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        || n.startsWith(".") && (n.endsWith(STAGING) || n.endsWith(REPLACED))
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        stale = new ArrayList<>(stale);
        for (String folder : manifest.folders()) {
            Path p = out.resolve(folder);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                for (String file : relativeFiles(p, "")) {
                    if (AtomicFiles.isTemporary(Path.of(file).getFileName().toString())) {
                        stale.add(p.resolve(file.substring(1)));
                    }
                }
            }
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
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
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
}
