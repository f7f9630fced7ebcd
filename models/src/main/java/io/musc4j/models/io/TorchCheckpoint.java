package io.musc4j.models.io;

import io.musc4j.models.io.StoredTensor.StorageRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the tensors of a PyTorch checkpoint ({@code pytorch_model.bin}, {@code .pt}, {@code .pth}) in the
 * zip format {@code torch.save} writes since PyTorch 1.6, without running any of its code.
 *
 * <p>The zip holds one folder (its name varies) with {@code data.pkl}, the pickled object, and
 * {@code data/<key>}, one record of raw little-endian bytes per storage; {@code byteorder} says
 * "little" or is absent. The pickle is interpreted by {@link RestrictedUnpickler}, which accepts only
 * dicts, lists and tensors and refuses every other global by name. Nested dicts are flattened with
 * dots ({@code {"model": {"w": t}}} gives {@code model.w}); numbers and strings in them are ignored.
 * F16 and BF16 are widened to float32 in Java, as {@link Safetensors} does, and views are read by stride.
 */
public final class TorchCheckpoint implements TensorSource {

    /** A {@code data.pkl} above this size is refused: a state dict's pickle is kilobytes per hundred tensors. */
    static final int MAX_PICKLE_BYTES = 32 << 20;

    /** Nesting deeper than this is refused (it also ends pickles whose dicts contain themselves). */
    static final int MAX_NESTING = 64;

    /** Dict, list and tensor visits while flattening; bounds pickles that share one dict many times over. */
    static final int MAX_VISITS = 1 << 22;

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path file;
    private final String dataFolder;
    private final Map<String, StoredTensor> tensors;

    private TorchCheckpoint(Path file, String dataFolder, Map<String, StoredTensor> tensors) {
        this.file = file;
        this.dataFolder = dataFolder;
        this.tensors = tensors;
    }

    /**
     * Opens a checkpoint and checks every tensor against its storage record; nothing in the file is executed.
     *
     * @throws WeightFileException with a one-line message naming the file: not a zip checkpoint (legacy
     *     pickles are refused), a refused global, a corrupt pickle or zip, or a tensor outside its storage
     */
    public static TensorSource open(Path file) throws WeightFileException {
        byte[] magic = readMagic(file);
        if (magic.length >= 1 && (magic[0] & 0xFF) == 0x80) {
            throw new WeightFileException(file + ": a legacy (non-zip) PyTorch pickle, which cannot be read without"
                    + " running it; use the repository's model.safetensors, or re-save it with torch.save from PyTorch 1.6 or later");
        }
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
            throw new WeightFileException(file + ": not a PyTorch checkpoint (not the zip format of torch.save)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = findPickle(file, zip);
            String folder = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            checkByteOrder(file, zip, folder);
            byte[] pkl = readEntry(zip, pickle, MAX_PICKLE_BYTES, file, "data.pkl");
            Object root = RestrictedUnpickler.load(file, pkl);
            Map<String, StoredTensor> tensors = new TreeMap<>();
            new Flattener(file, tensors).visit("", root, 0);
            checkStorages(file, zip, folder, tensors);
            return new TorchCheckpoint(file, folder, tensors);
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // java.util.zip reports corrupt archives with ZipException and, for some, unchecked exceptions
            throw new WeightFileException(file + ": corrupt or truncated zip (" + oneLine(e) + ")");
        }
    }

    private static byte[] readMagic(Path file) throws WeightFileException {
        if (!Files.isRegularFile(file)) {
            throw new WeightFileException(file + ": no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new WeightFileException(file + ": cannot be read (" + oneLine(e) + ")");
        }
    }

    /** The one {@code <folder>/data.pkl} of the archive. */
    private static ZipEntry findPickle(Path file, ZipFile zip) throws WeightFileException {
        ZipEntry found = null;
        var entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String n = e.getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                if (found != null) {
                    throw new WeightFileException(file + ": holds two pickles (" + found.getName() + ", " + n
                            + "); a torch.save checkpoint has one");
                }
                found = e;
            }
        }
        if (found == null) {
            throw new WeightFileException(file + ": a zip without <folder>/data.pkl, so not a torch.save checkpoint");
        }
        return found;
    }

    private static void checkByteOrder(Path file, ZipFile zip, String folder) throws IOException {
        ZipEntry e = zip.getEntry(folder + "byteorder");
        if (e == null) {
            return; // written since PyTorch 2.1; older files are little-endian, as torch.load assumes too
        }
        String order = new String(readEntry(zip, e, 16, file, "byteorder"), StandardCharsets.US_ASCII).strip();
        if (!order.equals("little")) {
            throw new WeightFileException(file + ": byte order '" + order.replaceAll("[^a-z]", "?")
                    + "' (only little-endian checkpoints are read)");
        }
    }

    /** Every storage a tensor uses is a record of exactly its declared length, with one element type. */
    private static void checkStorages(Path file, ZipFile zip, String folder, Map<String, StoredTensor> tensors)
            throws WeightFileException {
        Map<String, StorageRef> seen = new HashMap<>();
        for (Map.Entry<String, StoredTensor> t : tensors.entrySet()) {
            StorageRef s = t.getValue().storage();
            StorageRef first = seen.putIfAbsent(s.key(), s);
            if (first != null) {
                if (!first.equals(s)) {
                    throw new WeightFileException(file + ": storage '" + s.key() + "' is declared twice, as "
                            + first.numel() + " " + first.type() + " and as " + s.numel() + " " + s.type());
                }
                continue;
            }
            ZipEntry e = zip.getEntry(folder + "data/" + s.key());
            if (e == null) {
                throw new WeightFileException(file + ": tensor '" + shorten(t.getKey()) + "' uses storage record data/"
                        + s.key() + ", which the archive lacks");
            }
            long bytes = s.numel() * s.type().itemSize(); // cannot overflow: checked when the pickle named it
            if (e.getSize() != bytes) {
                throw new WeightFileException(file + ": storage record data/" + s.key() + " has " + e.getSize()
                        + " bytes, but the pickle declares " + s.numel() + " " + s.type() + " elements (" + bytes
                        + " bytes)");
            }
        }
    }

    /** Turns the pickled object into dotted tensor names. */
    private static final class Flattener {
        private final Path file;
        private final Map<String, StoredTensor> into;
        private int visits;

        Flattener(Path file, Map<String, StoredTensor> into) {
            this.file = file;
            this.into = into;
        }

        void visit(String name, Object value, int depth) throws WeightFileException {
            if (depth > MAX_NESTING) {
                throw new WeightFileException(file + ": nested deeper than " + MAX_NESTING
                        + " levels at '" + shorten(name) + "' (a dict that contains itself?)");
            }
            if (++visits > MAX_VISITS) {
                throw new WeightFileException(file + ": more than " + MAX_VISITS + " nested values to visit");
            }
            if (value instanceof StoredTensor t) {
                if (into.put(name, t) != null) {
                    throw new WeightFileException(file + ": two tensors are named '" + shorten(name) + "'");
                }
            } else if (value instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    visit(child(name, String.valueOf(e.getKey())), e.getValue(), depth + 1);
                }
            } else if (value instanceof List<?> l) {
                visitAll(name, l, depth);
            } else if (value instanceof RestrictedUnpickler.Tuple t) {
                visitAll(name, t.items(), depth);
            } else if (depth == 0) {
                throw new WeightFileException(file + ": holds a " + RestrictedUnpickler.typeName(value)
                        + ", not a dict of tensors");
            }
            // numbers, strings and None inside a checkpoint (epoch, config values) carry no weights
        }

        private void visitAll(String name, List<?> items, int depth) throws WeightFileException {
            for (int i = 0; i < items.size(); i++) {
                visit(child(name, Integer.toString(i)), items.get(i), depth + 1);
            }
        }

        private static String child(String parent, String key) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public long[] shape(String name) throws WeightFileException {
        return tensor(name).shape().clone();
    }

    @Override
    public Path file(String name) throws WeightFileException {
        tensor(name);
        return file;
    }

    @Override
    public String dtype(String name) throws WeightFileException {
        return tensor(name).storage().type().dtype();
    }

    /** A tensor's values as float32 (F16 and BF16 widened exactly), row-major, read by its strides. */
    @Override
    public float[] floats(String name) throws WeightFileException {
        StoredTensor t = tensor(name);
        TorchStorageType type = t.storage().type();
        if (type != TorchStorageType.FLOAT && type != TorchStorageType.HALF && type != TorchStorageType.BFLOAT16) {
            throw new WeightFileException(file + ": tensor '" + name + "' has dtype " + type.dtype()
                    + "; only F32, F16 and BF16 weights are supported");
        }
        long spanBytes = t.spanElements() * type.itemSize();
        if (t.numel() > MAX_ARRAY || spanBytes > MAX_ARRAY) {
            throw new WeightFileException(file + ": tensor '" + name + "' spans " + spanBytes
                    + " bytes, more than one Java array holds");
        }
        String record = dataFolder + "data/" + t.storage().key();
        byte[] span;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(record);
            if (e == null) {
                throw new WeightFileException(file + ": storage record " + record + " is gone (was the file replaced?)");
            }
            try (InputStream in = zip.getInputStream(e)) {
                in.skipNBytes(t.offset() * type.itemSize());
                span = in.readNBytes((int) spanBytes);
            }
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new WeightFileException(file + ": tensor '" + name + "' cannot be read from " + record
                    + " (" + oneLine(e) + ")");
        }
        if (span.length != spanBytes) {
            throw new WeightFileException(file + ": storage record " + record + " ends before tensor '" + name + "'");
        }
        return t.gather(ByteBuffer.wrap(span));
    }

    private StoredTensor tensor(String name) throws WeightFileException {
        StoredTensor t = tensors.get(name);
        if (t == null) {
            throw new WeightFileException(file + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, int limit, Path file, String what) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new WeightFileException(file + ": " + what + " is larger than " + limit + " bytes");
            }
            return b;
        }
    }

    private static String shorten(String name) {
        String t = name.length() > 120 ? name.substring(0, 120) + "…" : name;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
