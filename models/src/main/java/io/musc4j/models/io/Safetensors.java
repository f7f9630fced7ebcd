package io.musc4j.models.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads tensors from Hugging Face {@code .safetensors} files, memory-mapped, as float32.
 *
 * <p>The format is an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {@code dtype}, {@code shape} and {@code data_offsets}, then the raw little-endian data. Nothing in
 * the file is executed. F16 and BF16 tensors are widened to float32 here, in Java, because DJL's
 * PyTorch engine crashes the JVM on BF16 arrays. A model folder may hold one {@code model.safetensors}
 * or shards listed by {@code model.safetensors.index.json}.
 */
public final class Safetensors implements TensorSource {

    /** Headers above this size are refused rather than parsed (the format's own guard). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private record Entry(Path file, MappedByteBuffer data, String dtype, long[] shape, long begin, long end) {
    }

    private final Map<String, Entry> entries;

    private Safetensors(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * Opens the weights of a model folder: {@code model.safetensors}, or the shards named by
     * {@code model.safetensors.index.json}. ({@link TensorSources#openFolder} also reads PyTorch checkpoints.)
     */
    public static Safetensors openFolder(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(single)) {
            return openFile(single);
        }
        if (Files.isRegularFile(index)) {
            return openSharded(index);
        }
        throw new WeightFileException(dir + ": no model.safetensors (or model.safetensors.index.json) in this folder");
    }

    /** Opens one {@code .safetensors} file; {@code .bin}/{@code .pt} files are refused without being read as one. */
    public static Safetensors openFile(Path file) throws IOException {
        refusePickle(file);
        Map<String, Entry> map = new TreeMap<>();
        readHeader(file, map);
        return new Safetensors(map);
    }

    private static Safetensors openSharded(Path index) throws IOException {
        JsonObject weightMap;
        try {
            weightMap = JsonParser.parseString(Files.readString(index)).getAsJsonObject().getAsJsonObject("weight_map");
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new WeightFileException(index + ": not a valid safetensors index (" + e.getMessage() + ")");
        }
        if (weightMap == null) {
            throw new WeightFileException(index + ": no \"weight_map\" in the index");
        }
        Map<String, Map<String, Entry>> shards = new LinkedHashMap<>();
        Map<String, Entry> map = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
            String shard = e.getValue().getAsString();
            Map<String, Entry> inShard = shards.get(shard);
            if (inShard == null) {
                Path file = index.resolveSibling(shard);
                refusePickle(file);
                if (!Files.isRegularFile(file)) {
                    throw new WeightFileException(file + ": shard listed in " + index.getFileName() + " is missing");
                }
                inShard = new TreeMap<>();
                readHeader(file, inShard);
                shards.put(shard, inShard);
            }
            Entry t = inShard.get(e.getKey());
            if (t == null) {
                throw new WeightFileException(index.resolveSibling(shard) + ": tensor '" + e.getKey()
                        + "' listed in " + index.getFileName() + " is not in this shard");
            }
            map.put(e.getKey(), t);
        }
        return new Safetensors(map);
    }

    private static void refusePickle(Path file) throws WeightFileException {
        String name = file.getFileName().toString();
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".pkl")) {
            throw new WeightFileException(file + ": a PyTorch checkpoint by its name, not a safetensors file");
        }
    }

    private static void readHeader(Path file, Map<String, Entry> into) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new WeightFileException(file + ": truncated safetensors file (" + size + " bytes, no header)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
                throw new WeightFileException(file + ": safetensors header length " + Long.toUnsignedString(headerLen)
                        + " exceeds the " + MAX_HEADER_BYTES + "-byte limit (corrupt or not a safetensors file)");
            }
            if (8 + headerLen > size) {
                throw new WeightFileException(file + ": truncated safetensors file (header of " + headerLen
                        + " bytes, file has " + size + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonObject header;
            try {
                header = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new WeightFileException(file + ": safetensors header is not valid JSON");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            data.order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                into.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue().getAsJsonObject(), data, dataLen));
            }
        }
    }

    private static Entry parseEntry(Path file, String name, JsonObject o, MappedByteBuffer data, long dataLen)
            throws WeightFileException {
        String dtype = o.get("dtype").getAsString();
        // non-float dtypes (e.g. I64 position_ids buffers) are indexed but refused when read
        int item = switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw new WeightFileException(file + ": tensor '" + name + "' has unknown dtype " + dtype);
        };
        long[] shape = new long[o.getAsJsonArray("shape").size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
            n *= shape[i];
        }
        long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
        long end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
        if (end - begin != n * item || begin < 0) {
            throw new WeightFileException(file + ": tensor '" + name + "' has " + (end - begin)
                    + " bytes for shape " + Arrays.toString(shape) + " " + dtype);
        }
        if (end > dataLen) {
            throw new WeightFileException(file + ": truncated safetensors file (tensor '" + name + "' ends at byte "
                    + end + " of a " + dataLen + "-byte data section)");
        }
        return new Entry(file, data, dtype, shape, begin, end);
    }

    /** Names of all tensors, sorted. */
    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The stored shape of a tensor. */
    @Override
    public long[] shape(String name) throws WeightFileException {
        return entry(name).shape().clone();
    }

    /** The file a tensor is stored in (for error messages). */
    @Override
    public Path file(String name) throws WeightFileException {
        return entry(name).file();
    }

    /** The stored dtype of a tensor: F32, F16 or BF16. */
    @Override
    public String dtype(String name) throws WeightFileException {
        return entry(name).dtype();
    }

    /** A tensor's values as float32 (F16 and BF16 widened exactly), row-major. */
    @Override
    public float[] floats(String name) throws WeightFileException {
        Entry e = entry(name);
        ByteBuffer b = bytes(e);
        float[] out;
        switch (e.dtype()) {
            case "F32" -> {
                out = new float[b.remaining() / 4];
                b.asFloatBuffer().get(out);
            }
            case "F16" -> {
                out = new float[b.remaining() / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
            }
            case "BF16" -> {
                out = new float[b.remaining() / 2];
                for (int i = 0; i < out.length; i++) {
                    // BF16 is the top half of an IEEE float32
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                }
            }
            default -> throw new WeightFileException(e.file() + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; only F32, F16 and BF16 weights are supported");
        }
        return out;
    }

    /** An F32 tensor's bytes in the mapped file; empty for other dtypes. */
    @Override
    public Optional<ByteBuffer> float32View(String name) throws WeightFileException {
        Entry e = entry(name);
        return e.dtype().equals("F32") ? Optional.of(bytes(e)) : Optional.empty();
    }

    private static ByteBuffer bytes(Entry e) {
        ByteBuffer b = e.data().duplicate();
        b.position(Math.toIntExact(e.begin())).limit(Math.toIntExact(e.end()));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** IEEE binary16 to float32, exact (every half value is representable as a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal half: mant * 2^-24, exact in float arithmetic
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private Entry entry(String name) throws WeightFileException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new WeightFileException("weights: tensor '" + name + "' is missing");
        }
        return e;
    }
}
