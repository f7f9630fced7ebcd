package io.musc4j.engine.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Tokens spilled to temporary files, one per layer, written batch by batch as the backbone produces
 * them and read back a block of images at a time. Plain positional file I/O (no memory mapping), so
 * the tokens never count towards the process's memory; the operating system's page cache keeps
 * recently used parts without the process owning them. The files are opened delete-on-close, which
 * on Linux unlinks them at once: nothing is left behind even if the process dies; the folder itself
 * is removed on close.
 */
public final class SpilledTokens implements TokenStore {

    private final Path dir;
    private final FileChannel[] files;
    private final int images;
    private final int gridH;
    private final int gridW;
    private final long channels;
    private long written;
    private ByteBuffer buffer;

    private SpilledTokens(Path dir, FileChannel[] files, int images, int gridH, int gridW, long channels) {
        this.dir = dir;
        this.files = files;
        this.images = images;
        this.gridH = gridH;
        this.gridW = gridW;
        this.channels = channels;
    }

    /**
     * An empty store for {@code images} images in a new temporary folder under {@code parent}.
     *
     * @throws IOException with a message naming the folder if it cannot be created
     */
    public static SpilledTokens create(Path parent, int images, int layers, int gridH, int gridW, long channels)
            throws IOException {
        if (images < 1 || layers < 1 || gridH < 1 || gridW < 1 || channels < 1) {
            throw new IllegalArgumentException("token store: images, layers, grid and channels must be positive");
        }
        Path dir;
        try {
            Files.createDirectories(parent);
            dir = Files.createTempDirectory(parent, "musc4j-tokens-");
        } catch (IOException e) {
            throw new IOException(parent + ": cannot create a folder for spilled tokens (" + e.getMessage() + ")", e);
        }
        FileChannel[] files = new FileChannel[layers];
        try {
            for (int li = 0; li < layers; li++) {
                files[li] = FileChannel.open(dir.resolve("layer" + li + ".f32"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            }
        } catch (IOException e) {
            closeAll(files);
            Files.deleteIfExists(dir);
            throw new IOException(dir + ": cannot create a token file (" + e.getMessage() + ")", e);
        }
        return new SpilledTokens(dir, files, images, gridH, gridW, channels);
    }

    /**
     * Appends the next batch of images: per layer (b, 1+h·w, C), any float type (stored as float32).
     *
     * @throws IOException with a message naming the file if it cannot be written (e.g. disk full)
     */
    public void append(List<NDArray> batch) throws IOException {
        if (batch.size() != files.length) {
            throw new IllegalArgumentException("token store: expected " + files.length + " layers, got " + batch.size());
        }
        long b = batch.get(0).getShape().get(0);
        if (written + b > images) {
            throw new IllegalStateException("token store: " + (written + b) + " images appended, capacity " + images);
        }
        Shape expected = new Shape(b, 1L + (long) gridH * gridW, channels);
        for (int li = 0; li < files.length; li++) {
            NDArray tokens = batch.get(li);
            if (!tokens.getShape().equals(expected)) {
                throw new IllegalArgumentException("token store: layer " + li + " batch has shape " + tokens.getShape()
                        + ", expected " + expected);
            }
            ByteBuffer bytes;
            try (NDArray f = tokens.toType(DataType.FLOAT32, true)) {
                bytes = f.toByteBuffer();
            }
            long position = written * imageBytes();
            try {
                while (bytes.hasRemaining()) {
                    position += files[li].write(bytes, position);
                }
            } catch (IOException e) {
                throw new IOException(dir.resolve("layer" + li + ".f32") + ": cannot write spilled tokens ("
                        + e.getMessage() + ")", e);
            }
        }
        written += b;
    }

    @Override
    public int images() {
        return images;
    }

    @Override
    public int layers() {
        return files.length;
    }

    @Override
    public int gridH() {
        return gridH;
    }

    @Override
    public int gridW() {
        return gridW;
    }

    @Override
    public long channels() {
        return channels;
    }

    @Override
    public boolean resident() {
        return false;
    }

    /** The folder holding the token files (deleted on close). */
    public Path folder() {
        return dir;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The file is read into one direct buffer that this store reuses, and the array is a copy of
     * it: a direct buffer per read would stay allocated until the garbage collector happens to run.
     */
    @Override
    public synchronized NDArray read(int layer, long from, long to, NDManager manager) {
        if (written != images) {
            throw new IllegalStateException("token store: only " + written + " of " + images + " images written");
        }
        if (from < 0 || to > images || from >= to) {
            throw new IndexOutOfBoundsException("token store: images [" + from + ", " + to + ") of " + images);
        }
        int size = Math.toIntExact((to - from) * imageBytes());
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        }
        buffer.clear().limit(size);
        long position = from * imageBytes();
        try {
            while (buffer.hasRemaining()) {
                if (files[layer].read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve("layer" + layer + ".f32") + ": cannot read spilled tokens ("
                    + e.getMessage() + ")", e);
        }
        buffer.flip();
        try (NDArray shared = manager.create(buffer, new Shape(to - from, 1L + (long) gridH * gridW, channels),
                DataType.FLOAT32)) {
            return shared.duplicate();
        }
    }

    @Override
    public void close() {
        closeAll(files);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete the spilled-token folder (" + e.getMessage() + ")", e);
        }
    }

    private static void closeAll(FileChannel[] files) {
        for (FileChannel f : files) {
            if (f != null) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // closing a file opened for reading and writing only fails if the descriptor is gone
                }
            }
        }
    }
}
