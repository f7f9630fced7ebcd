package io.musc4j.models.script;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module archive (what {@code torch.jit.save} writes and libtorch's {@code torch::jit::load}
 * reads) built from TorchScript source text, so that no binary of unknown origin ships with musc4j.
 *
 * <p>The archive is a zip of one folder: {@code code/__torch__.py}, the class's source in TorchScript's
 * serialized Python subset; {@code data.pkl}, a pickle (protocol 2) of the module object, here an
 * instance of {@code __torch__.<Class>} whose only attribute is {@code training = False};
 * {@code constants.pkl}, the empty tuple (no tensor constants); and {@code version}, the file-format
 * version 3. libtorch compiles the source when it loads the archive. Modules with parameters or
 * tensor constants need more than this writes.
 */
final class TorchScriptArchive {

    private TorchScriptArchive() {
    }

    /** The archive of a parameterless module: class {@code className} defined by {@code source}. */
    static byte[] of(String className, String source) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a class name: " + className);
        }
        String dir = className.toLowerCase(java.util.Locale.ROOT) + "/";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, dir + "data.pkl", moduleObject(className));
            stored(zip, dir + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, dir + "constants.pkl", new byte[] {PROTO, 2, EMPTY_TUPLE, STOP});
            stored(zip, dir + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static final byte PROTO = (byte) 0x80;
    private static final byte GLOBAL = 'c';
    private static final byte EMPTY_TUPLE = ')';
    private static final byte NEWOBJ = (byte) 0x81;
    private static final byte EMPTY_DICT = '}';
    private static final byte MARK = '(';
    private static final byte BINUNICODE = 'X';
    private static final byte NEWFALSE = (byte) 0x89;
    private static final byte SETITEMS = 'u';
    private static final byte BUILD = 'b';
    private static final byte STOP = '.';

    /** {@code __torch__.<className>()} with its state {@code {"training": False}}, as torch's pickler writes it. */
    private static byte[] moduleObject(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(PROTO);
        p.write(2);
        p.write(GLOBAL);
        p.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(EMPTY_TUPLE);
        p.write(NEWOBJ);
        p.write(EMPTY_DICT);
        p.write(MARK);
        byte[] key = "training".getBytes(StandardCharsets.UTF_8);
        p.write(BINUNICODE);
        p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0}); // little-endian length
        p.writeBytes(key);
        p.write(NEWFALSE);
        p.write(SETITEMS);
        p.write(BUILD);
        p.write(STOP);
        return p.toByteArray();
    }

    /** An uncompressed entry, as torch writes its archives. */
    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
