package io.musc4j.engine.inspect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The frame every saved inspector state has ({@link InspectorState}, {@link TiledInspectorState}): a
 * magic line naming the kind of state, the format version, the configuration the state belongs to (one
 * {@code key=value} a line), the state's own fields, and a CRC32C of all that last. Reading checks each
 * in that order and says what is wrong in one line: not such a state, damaged, another format, or saved
 * under another configuration (the first setting that differs).
 */
final class StateFiles {

    /** Writes a state's own fields. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private StateFiles() {
    }

    /** The framed bytes of a state. */
    static byte[] seal(byte[] magic, int version, String configuration, Body body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.write(magic);
        out.writeInt(version);
        out.writeUTF(configuration);
        body.write(out);
        out.flush();
        byte[] framed = buffer.toByteArray();
        out.writeLong(crc(framed, 0, framed.length));
        out.flush();
        return buffer.toByteArray();
    }

    /**
     * The state's own fields of bytes {@link #seal} wrote, once the frame is checked.
     *
     * @param where how messages name the bytes (their file)
     * @param what the kind of state, for "not ..." (e.g. "an inspector state")
     * @param configuration the configuration the state must have been saved under
     * @throws IOException with one line starting with {@code where}
     */
    static DataInputStream open(String where, byte[] bytes, byte[] magic, int version, String configuration,
            String what) throws IOException {
        int body = bytes.length - Long.BYTES;
        if (body < magic.length || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new IOException(where + ": not " + what);
        }
        long stored = new DataInputStream(new ByteArrayInputStream(bytes, body, Long.BYTES)).readLong();
        if (stored != crc(bytes, 0, body)) {
            throw new IOException(where + ": damaged (checksum mismatch)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, magic.length, body - magic.length));
        int saved = in.readInt();
        if (saved != version) {
            throw new IOException(where + ": state format " + saved + ", this version reads " + version);
        }
        String then = in.readUTF();
        if (!then.equals(configuration)) {
            throw new IOException(where + ": saved under another configuration (" + firstDifference(then, configuration)
                    + "); refusing to restore it");
        }
        return in;
    }

    static long crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return crc.getValue();
    }

    /** The first setting whose value differs, as "key: saved X, now Y". */
    private static String firstDifference(String saved, String configuration) {
        Map<String, String> then = settings(saved);
        Map<String, String> now = settings(configuration);
        for (String key : now.keySet()) {
            if (!now.get(key).equals(then.get(key))) {
                return key + ": saved " + then.getOrDefault(key, "(not set)") + ", now " + now.get(key);
            }
        }
        return "settings " + then.keySet() + " saved, " + now.keySet() + " now";
    }

    private static Map<String, String> settings(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : List.of(text.split("\n"))) {
            int eq = line.indexOf('=');
            out.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        return out;
    }
}
