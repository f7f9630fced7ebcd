package io.musc4j.models.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: writes pickle opcodes and torch.save-style zips by hand, from the formats' definitions
 * (Python's pickle opcodes; a folder with data.pkl and data/KEY records), to build hostile checkpoints.
 */
final class CheckpointBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Raw opcode bytes. */
    CheckpointBytes op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    CheckpointBytes proto() {
        return op(0x80, 2);
    }

    CheckpointBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    /** BININT for 32-bit values, else LONG1 with 8 bytes. */
    CheckpointBytes integer(long v) {
        if (v == (int) v) {
            out.write('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            op(0x8a, 8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
        return this;
    }

    CheckpointBytes global(String module, String name) {
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    CheckpointBytes globalOp(String module, String name) {
        return op('c').global(module, name);
    }

    /** The protocol-4 spelling: module and name as strings, then STACK_GLOBAL. */
    CheckpointBytes stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    CheckpointBytes ints(long... values) {
        op('(');
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    /** {@code _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    CheckpointBytes tensor(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        globalOp("torch._utils", "_rebuild_tensor_v2").op('(');
        op('(').str("storage").globalOp("torch", storageType).str(key).str("cpu").integer(numel).op('t', 'Q');
        integer(offset).ints(size).ints(stride).op(0x89);
        globalOp("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    /** A whole data.pkl: {name: tensor} as an OrderedDict. */
    static byte[] stateDict(String name, String storageType, String key, long numel, long offset, long[] size,
            long[] stride) {
        return new CheckpointBytes().proto().globalOp("collections", "OrderedDict").op(')', 'R')
                .str(name).tensor(storageType, key, numel, offset, size, stride).op('s', '.').bytes();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A checkpoint zip: {@code archive/data.pkl} and one record per entry of {@code records} (e.g. "data/0"). */
    static Path checkpoint(Path file, byte[] pickle, Map<String, byte[]> records) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                zip.putNextEntry(new ZipEntry("archive/" + r.getKey()));
                zip.write(r.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("archive/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return file;
    }

    /** Little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
