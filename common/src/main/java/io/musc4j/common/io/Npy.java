package io.musc4j.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0–3.0, C order, little-endian).
 *
 * <p>The reference implementation's outputs are exchanged as {@code .npy}, and musc4j writes its raw
 * maps in the same format so that Python users can load them with {@code numpy.load}. Only the
 * dtypes that occur in that exchange are supported: float32, float64, int32, int64, uint8 and bool.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** An array read from a {@code .npy} file: its NumPy dtype string, shape and raw little-endian data. */
    public record Array(String dtype, long[] shape, ByteBuffer data) {

        /** Number of elements (the product of the shape). */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The shape as ints, for APIs (such as DJL's) that take int or long shapes of small arrays. */
        public int[] intShape() {
            return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        }

        /** All elements converted to float, whatever the stored dtype. */
        public float[] toFloats() {
            float[] f = new float[Math.toIntExact(size())];
            if (dtype.equals("<f4")) {
                data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return f;
            }
            double[] d = toDoubles();
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }

        /** All elements converted to double, whatever the stored dtype. */
        public double[] toDoubles() {
            int n = Math.toIntExact(size());
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[n];
            switch (dtype) {
                case "<f4" -> { for (int i = 0; i < n; i++) out[i] = b.getFloat(); }
                case "<f8" -> b.asDoubleBuffer().get(out);
                case "<i4" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(); }
                case "<i8" -> { for (int i = 0; i < n; i++) out[i] = b.getLong(); }
                case "|u1", "|b1" -> { for (int i = 0; i < n; i++) out[i] = b.get() & 0xFF; }
                default -> throw new IllegalStateException("unsupported dtype " + dtype);
            }
            return out;
        }

        /** All elements converted to long (integer and bool dtypes only). */
        public long[] toLongs() {
            int n = Math.toIntExact(size());
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[n];
            switch (dtype) {
                case "<i4" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(); }
                case "<i8" -> b.asLongBuffer().get(out);
                case "|u1", "|b1" -> { for (int i = 0; i < n; i++) out[i] = b.get() & 0xFF; }
                default -> throw new IllegalStateException("not an integer dtype: " + dtype);
            }
            return out;
        }

        /** All elements converted to int (integer and bool dtypes only). */
        public int[] toInts() {
            return Arrays.stream(toLongs()).mapToInt(Math::toIntExact).toArray();
        }
    }

    /**
     * Reads a whole {@code .npy} file.
     *
     * @throws IOException if the file cannot be read or is not a supported {@code .npy} file; the
     *     message names the file
     */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(file + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            offset = 10;
        } else {
            headerLen = b.getInt(8);
            offset = 12;
        }
        if (offset + headerLen > bytes.length) {
            throw new IOException(file + ": truncated .npy header");
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        String dtype = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IOException(file + ": Fortran-ordered arrays are not supported");
        }
        long[] shape = Arrays.stream(group(SHAPE, header, file, "shape").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        int itemSize = itemSize(dtype, file);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int start = offset + headerLen;
        if (bytes.length - start != n * itemSize) {
            throw new IOException(file + ": expected " + n * itemSize + " data bytes for shape "
                    + Arrays.toString(shape) + ", found " + (bytes.length - start));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, start, bytes.length - start).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Array(dtype, shape, data);
    }

    /** Writes a float32 array atomically (temporary file, then rename). */
    public static void writeFloats(Path file, float[] data, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        write(file, "<f4", shape, b.array());
    }

    /** Writes a float64 array atomically (temporary file, then rename). */
    public static void writeDoubles(Path file, double[] data, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        write(file, "<f8", shape, b.array());
    }

    private static void write(Path file, String dtype, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // NumPy pads the header with spaces so the data starts on a 64-byte boundary, ending in '\n'.
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        AtomicFiles.write(file, out.array());
    }

    private static int itemSize(String dtype, Path file) throws IOException {
        return switch (dtype) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "|u1", "|b1" -> 1;
            default -> throw new IOException(file + ": unsupported dtype " + dtype);
        };
    }

    private static String group(Pattern p, String header, Path file, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": .npy header has no '" + key + "'");
        }
        return m.group(1);
    }
}
