package io.musc4j.models.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: writes safetensors files (F32, or F16/BF16 rounded to nearest even) to build bad and converted copies. */
public final class SafetensorsWriter {

    /** One tensor to write: its dtype, shape and float32 values (rounded to the dtype). */
    public record Tensor(String dtype, long[] shape, float[] values) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Copies every tensor of {@code src}, converted to {@code dtype}. */
    public static SafetensorsWriter copyOf(Safetensors src, String dtype) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String n : src.names()) {
            w.put(n, dtype, src.shape(n), src.floats(n));
        }
        return w;
    }

    public SafetensorsWriter put(String name, String dtype, long[] shape, float[] values) {
        tensors.put(name, new Tensor(dtype, shape, values));
        return this;
    }

    public SafetensorsWriter remove(String name) {
        tensors.remove(name);
        return this;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public void write(Path file) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long len = (long) e.getValue().values().length * (e.getValue().dtype().equals("F32") ? 4 : 2);
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(e.getValue().dtype())
                    .append("\",\"shape\":").append(Arrays.toString(e.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + len).append("]}");
            offset += len;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(t.values().length * (t.dtype().equals("F32") ? 4 : 2))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values()) {
                    switch (t.dtype()) {
                        case "F32" -> b.putFloat(v);
                        case "F16" -> b.putShort(toHalf(v));
                        case "BF16" -> b.putShort(toBfloat16(v));
                        default -> throw new IllegalArgumentException(t.dtype());
                    }
                }
                out.write(b.array());
            }
        }
    }

    /** float32 to bfloat16, round to nearest even (finite inputs). */
    public static short toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** float32 to IEEE half, round to nearest even, via BigDecimal-free double arithmetic (normal and subnormal range). */
    public static short toHalf(float v) {
        int sign = v < 0 || (v == 0 && 1 / v < 0) ? 0x8000 : 0;
        double a = Math.abs((double) v);
        if (a >= 65520) {
            return (short) (sign | 0x7C00);
        }
        if (a < 0x1p-14) {
            return (short) (sign | (int) Math.rint(a * 0x1p24));
        }
        int exp = Math.getExponent(a);
        double mant = a / Math.scalb(1.0, exp) - 1; // in [0,1)
        int m = (int) Math.rint(mant * 1024);
        int e = exp + 15;
        if (m == 1024) {
            m = 0;
            e++;
        }
        return (short) (sign | (e << 10) | m);
    }
}
