package io.musc4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;

/**
 * Data and outputs through Hadoop's FileSystem API, so that {@code file://}, {@code hdfs://} and
 * {@code s3a://} locations work with whatever connectors the cluster has. Serializable: it carries the
 * {@code spark.hadoop.*} settings as plain strings and builds its Configuration where it runs.
 *
 * <p>Every published file or folder appears whole or not at all: it is written under a hidden
 * temporary name beside its target ({@value #TEMPORARY}) and renamed into place (atomic on HDFS and
 * local disks; a copy on S3, where a killed job can leave a folder without its category.json, which
 * is what {@code --resume} checks).
 */
final class Storage implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Folder of in-flight files beside the outputs; what a killed job leaves is only ever here. */
    static final String TEMPORARY = ".musc4j-temporary";

    private final HashMap<String, String> settings;
    private transient Configuration conf;

    /** @param settings Hadoop settings (the {@code spark.hadoop.} prefix already removed) */
    Storage(Map<String, String> settings) {
        this.settings = new HashMap<>(settings);
    }

    /** A location given on the command line, as a Hadoop path: a bare path is a local one. */
    static org.apache.hadoop.fs.Path location(String text) {
        URI uri = URI.create(text.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return new org.apache.hadoop.fs.Path(Path.of(text).toAbsolutePath().normalize().toUri());
        }
        return new org.apache.hadoop.fs.Path(uri);
    }

    /** Whether {@code location} is on this machine's file system, readable as a plain path. */
    static boolean isLocal(org.apache.hadoop.fs.Path location) {
        String scheme = location.toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }

    /** The local path of a {@link #isLocal local} location. */
    static Path localPath(org.apache.hadoop.fs.Path location) {
        return Path.of(location.toUri());
    }

    FileSystem fs(org.apache.hadoop.fs.Path p) throws IOException {
        FileSystem fs = p.getFileSystem(conf());
        // without the .NAME.crc files Hadoop's local file system adds: musc run rewrites files here (the
        // manifest) without them, and a stale checksum would make the next read fail
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    private synchronized Configuration conf() {
        if (conf == null) {
            conf = new Configuration();
            settings.forEach(conf::set);
        }
        return conf;
    }

    boolean exists(org.apache.hadoop.fs.Path p) throws IOException {
        return fs(p).exists(p);
    }

    /** Copies the file or folder {@code from} to the local {@code to} (created). */
    void download(org.apache.hadoop.fs.Path from, Path to) throws IOException {
        java.nio.file.Files.createDirectories(to.getParent());
        fs(from).copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(to.toUri()), true);
    }

    /** The whole file as bytes. */
    byte[] read(org.apache.hadoop.fs.Path file) throws IOException {
        FileSystem fs = fs(file);
        long length = fs.getFileStatus(file).getLen();
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": " + length + " bytes, too large to read at once");
        }
        byte[] bytes = new byte[(int) length];
        try (InputStream in = fs.open(file)) {
            int off = 0;
            while (off < bytes.length) {
                int n = in.read(bytes, off, bytes.length - off);
                if (n < 0) {
                    throw new IOException(file + ": ended after " + off + " of " + length + " bytes");
                }
                off += n;
            }
        }
        return bytes;
    }

    /** What writes a file's content to a stream. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code file} whole or not at all, replacing an earlier version (a retried task's). */
    void write(org.apache.hadoop.fs.Path file, Content content) throws IOException {
        FileSystem fs = fs(file);
        org.apache.hadoop.fs.Path tmp = temporary(file);
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                content.writeTo(out);
            }
            replace(fs, tmp, file);
        } finally {
            fs.delete(tmp, true);
        }
    }

    /**
     * Uploads the local folder {@code folder} under a fresh temporary name beside {@code target}, from
     * where {@link #replace} moves it into place; nothing is left behind when the upload fails.
     *
     * @return the temporary name
     */
    org.apache.hadoop.fs.Path upload(Path folder, org.apache.hadoop.fs.Path target) throws IOException {
        FileSystem fs = fs(target);
        org.apache.hadoop.fs.Path tmp = temporary(target);
        try {
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(folder.toUri()), tmp);
            return tmp;
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, true);
            throw e;
        }
    }

    /** Renames the {@link #upload uploaded} {@code tmp} to {@code target}, replacing an earlier {@code target}. */
    void replace(org.apache.hadoop.fs.Path tmp, org.apache.hadoop.fs.Path target) throws IOException {
        FileSystem fs = fs(target);
        try {
            replace(fs, tmp, target);
        } finally {
            fs.delete(tmp, true);
        }
    }

    private static void replace(FileSystem fs, org.apache.hadoop.fs.Path tmp, org.apache.hadoop.fs.Path target)
            throws IOException {
        if (fs.exists(target)) {
            // moved aside first, so that a failure here leaves the old version rather than none
            org.apache.hadoop.fs.Path old = temporary(target);
            if (!fs.rename(target, old)) {
                throw new IOException(target + ": cannot replace it (rename to " + old + " failed)");
            }
            fs.delete(old, true);
        }
        fs.mkdirs(target.getParent());
        if (!fs.rename(tmp, target)) {
            throw new IOException(target + ": cannot write it (rename from " + tmp + " failed)");
        }
    }

    /** A fresh name for {@code target} in the temporary folder beside it. */
    static org.apache.hadoop.fs.Path temporary(org.apache.hadoop.fs.Path target) {
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(target.getParent(), TEMPORARY),
                target.getName() + "-" + UUID.randomUUID());
    }

    /** Deletes {@code p} (a folder with its content); nothing when absent. */
    void delete(org.apache.hadoop.fs.Path p) throws IOException {
        fs(p).delete(p, true);
    }

    /** Removes the temporary folder beside the outputs when nothing is left in it. */
    void tidy(org.apache.hadoop.fs.Path out) {
        try {
            deleteIfEmpty(new org.apache.hadoop.fs.Path(out, TEMPORARY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the folder {@code p} if it exists and holds nothing (temporary folders included). */
    void deleteIfEmpty(org.apache.hadoop.fs.Path p) throws IOException {
        FileSystem fs = fs(p);
        if (!fs.exists(p)) {
            return;
        }
        for (FileStatus s : fs.listStatus(p)) {
            if (!s.isDirectory() || !s.getPath().getName().equals(TEMPORARY)) {
                return;
            }
            deleteIfEmpty(s.getPath());
        }
        if (fs.listStatus(p).length == 0) {
            fs.delete(p, true);
        }
    }
}
