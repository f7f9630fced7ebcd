package io.musc4j.common.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks that an image file's bytes are complete before it is decoded, because decoders do not say so
 * reliably: libjpeg (in OpenCV and the JDK) fills a truncated JPEG's missing rows with grey or repeated
 * stripes and returns it as a whole image, and libpng prints its complaints to the process's standard
 * error. Each format is walked as far as its structure says where the data lies:
 * <ul>
 * <li>PNG: every chunk is within the file and passes its CRC; the image data inflates completely to
 *     the size the header implies, each row starting with a valid filter type; IEND is present.</li>
 * <li>JPEG: the segments and entropy-coded scans run up to an end-of-image marker.</li>
 * <li>TIFF: every strip or tile of the first image lies within the file.</li>
 * <li>BMP: the pixel array the header describes lies within the file.</li>
 * </ul>
 * Other formats pass unchecked (the decoder has the last word on them). Trailing bytes after a complete
 * image are allowed.
 */
public final class ImageIntegrity {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageIntegrity() {
    }

    /** What is wrong with {@code bytes} as an image file, in words; empty when nothing is found. */
    public static Optional<String> problem(byte[] bytes) {
        try {
            if (startsWith(bytes, PNG_SIGNATURE)) {
                return png(bytes);
            }
            if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
                return jpeg(bytes);
            }
            if (bytes.length >= 4 && (bytes[0] == 'I' && bytes[1] == 'I' && bytes[2] == 42 && bytes[3] == 0
                    || bytes[0] == 'M' && bytes[1] == 'M' && bytes[2] == 0 && bytes[3] == 42)) {
                return tiff(bytes);
            }
            if (bytes.length >= 2 && bytes[0] == 'B' && bytes[1] == 'M') {
                return bmp(bytes);
            }
            return Optional.empty();
        } catch (IndexOutOfBoundsException e) {
            return Optional.of("truncated (the file ends inside its header)");
        }
    }

    private static Optional<String> png(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        int pos = PNG_SIGNATURE.length;
        RowCheck rows = null;
        Inflater inflater = new Inflater();
        try {
            while (true) {
                if (pos + 8 > b.length) {
                    return Optional.of("truncated PNG (the file ends before its IEND chunk)");
                }
                long length = in.getInt(pos) & 0xffffffffL;
                String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (pos + 12 + length > b.length) {
                    return Optional.of("truncated PNG (the file ends inside its " + type + " chunk)");
                }
                CRC32 crc = new CRC32();
                crc.update(b, pos + 4, 4 + (int) length);
                if ((int) crc.getValue() != in.getInt(pos + 8 + (int) length)) {
                    return Optional.of("corrupt PNG (its " + type + " chunk fails the CRC check)");
                }
                int data = pos + 8;
                switch (type) {
                    case "IHDR" -> rows = RowCheck.of(in, data);
                    case "IDAT" -> {
                        if (rows == null) {
                            return Optional.of("corrupt PNG (image data before the header)");
                        }
                        Optional<String> p = rows.inflate(inflater, b, data, (int) length);
                        if (p.isPresent()) {
                            return p;
                        }
                    }
                    case "IEND" -> {
                        if (rows == null || !rows.complete()) {
                            return Optional.of("truncated PNG (its image data ends early)");
                        }
                        return Optional.empty();
                    }
                    default -> {
                        // ancillary chunks: their CRC is enough
                    }
                }
                pos += 12 + (int) length;
            }
        } finally {
            inflater.end();
        }
    }

    /** Follows PNG's inflated image data row by row: its size and each row's filter type byte. */
    private static final class RowCheck {
        private final long[] rowBytes;
        private final long[] rowCounts;
        private int pass;
        private long row;
        private long atInRow;
        private final byte[] buffer = new byte[1 << 16];

        private RowCheck(long[] rowBytes, long[] rowCounts) {
            this.rowBytes = rowBytes;
            this.rowCounts = rowCounts;
            skipEmptyPasses();
        }

        static RowCheck of(ByteBuffer in, int at) {
            long w = in.getInt(at) & 0xffffffffL;
            long h = in.getInt(at + 4) & 0xffffffffL;
            int depth = in.get(at + 8);
            int channels = switch (in.get(at + 9)) {
                case 0, 3 -> 1;
                case 2 -> 3;
                case 4 -> 2;
                default -> 4;
            };
            long bits = (long) depth * channels;
            if (in.get(at + 12) == 0) {
                return new RowCheck(new long[] {(w * bits + 7) / 8}, new long[] {h});
            }
            int[][] adam7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
                    {0, 1, 1, 2}};
            long[] bytes = new long[7];
            long[] counts = new long[7];
            for (int p = 0; p < 7; p++) {
                long pw = w > adam7[p][0] ? (w - adam7[p][0] + adam7[p][2] - 1) / adam7[p][2] : 0;
                long ph = h > adam7[p][1] ? (h - adam7[p][1] + adam7[p][3] - 1) / adam7[p][3] : 0;
                bytes[p] = (pw * bits + 7) / 8;
                counts[p] = pw == 0 ? 0 : ph;
            }
            return new RowCheck(bytes, counts);
        }

        boolean complete() {
            return pass == rowBytes.length;
        }

        Optional<String> inflate(Inflater inflater, byte[] b, int off, int len) {
            inflater.setInput(b, off, len);
            try {
                while (!inflater.needsInput() && !inflater.finished()) {
                    int n = inflater.inflate(buffer);
                    if (n == 0 && inflater.needsDictionary()) {
                        return Optional.of("corrupt PNG (its image data needs a preset dictionary)");
                    }
                    for (int i = 0; i < n; i++) {
                        if (complete()) {
                            return Optional.of("corrupt PNG (more image data than its size)");
                        }
                        if (atInRow == 0 && (buffer[i] & 0xff) > 4) {
                            return Optional.of("corrupt PNG (a row with filter type " + (buffer[i] & 0xff) + ")");
                        }
                        if (++atInRow == rowBytes[pass] + 1) {
                            atInRow = 0;
                            if (++row == rowCounts[pass]) {
                                row = 0;
                                pass++;
                                skipEmptyPasses();
                            }
                        }
                    }
                }
            } catch (DataFormatException e) {
                return Optional.of("corrupt PNG (its image data does not inflate: " + e.getMessage() + ")");
            }
            return Optional.empty();
        }

        private void skipEmptyPasses() {
            while (pass < rowBytes.length && rowCounts[pass] == 0) {
                pass++;
            }
        }
    }

    private static Optional<String> jpeg(byte[] b) {
        int pos = 2;
        while (true) {
            if (pos >= b.length) {
                return Optional.of("truncated JPEG (the file ends before its end-of-image marker)");
            }
            if ((b[pos] & 0xff) != 0xff) {
                return Optional.of("corrupt JPEG (no marker where a segment should start, at byte " + pos + ")");
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xff) {
                pos++;
            }
            if (pos >= b.length) {
                return Optional.of("truncated JPEG (the file ends before its end-of-image marker)");
            }
            int marker = b[pos++] & 0xff;
            if (marker == 0xd9) {
                return Optional.empty();
            }
            if (marker >= 0xd0 && marker <= 0xd7 || marker == 0x01) {
                continue;
            }
            if (pos + 2 > b.length) {
                return Optional.of("truncated JPEG (the file ends inside a segment)");
            }
            int length = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            if (length < 2 || pos + length > b.length) {
                return Optional.of("truncated JPEG (the file ends inside a segment)");
            }
            pos += length;
            if (marker == 0xda) {
                // entropy-coded data runs to the next marker other than a stuffed zero or a restart
                while (true) {
                    if (pos + 1 >= b.length) {
                        return Optional.of("truncated JPEG (premature end of the image data: the file ends before "
                                + "its end-of-image marker)");
                    }
                    if ((b[pos] & 0xff) == 0xff) {
                        int next = b[pos + 1] & 0xff;
                        if (next != 0x00 && next != 0xff && !(next >= 0xd0 && next <= 0xd7)) {
                            break;
                        }
                    }
                    pos++;
                }
            }
        }
    }

    private static Optional<String> tiff(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long ifd = in.getInt(4) & 0xffffffffL;
        if (ifd + 2 > b.length) {
            return Optional.of("truncated TIFF (the file ends before its image directory)");
        }
        int entries = in.getShort((int) ifd) & 0xffff;
        if (ifd + 2 + 12L * entries > b.length) {
            return Optional.of("truncated TIFF (the file ends inside its image directory)");
        }
        long[] offsets = null;
        long[] counts = null;
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + 12 * e;
            int tag = in.getShort(at) & 0xffff;
            if (tag == 273 || tag == 324) {
                offsets = values(in, at);
            } else if (tag == 279 || tag == 325) {
                counts = values(in, at);
            }
        }
        if (offsets == null || counts == null) {
            return Optional.empty();
        }
        if (offsets.length != counts.length) {
            return Optional.of("corrupt TIFF (" + offsets.length + " strips but " + counts.length + " strip sizes)");
        }
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] + counts[i] > b.length) {
                return Optional.of("truncated TIFF (strip " + (i + 1) + " of " + offsets.length
                        + " lies beyond the end of the file)");
            }
        }
        return Optional.empty();
    }

    /** The SHORT or LONG values of the directory entry at {@code at}. */
    private static long[] values(ByteBuffer in, int at) {
        int type = in.getShort(at + 2) & 0xffff;
        long count = in.getInt(at + 4) & 0xffffffffL;
        int size = type == 3 ? 2 : 4;
        if (count > in.capacity() / size) {
            throw new IndexOutOfBoundsException("count " + count);
        }
        int from = count * size <= 4 ? at + 8 : in.getInt(at + 8);
        long[] v = new long[(int) count];
        for (int i = 0; i < count; i++) {
            v[i] = size == 2 ? in.getShort(from + 2 * i) & 0xffff : in.getInt(from + 4 * i) & 0xffffffffL;
        }
        return v;
    }

    private static Optional<String> bmp(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long pixels = in.getInt(10) & 0xffffffffL;
        int header = in.getInt(14);
        if (header < 40) {
            return Optional.empty();
        }
        long w = Math.abs((long) in.getInt(18));
        long h = Math.abs((long) in.getInt(22));
        int bits = in.getShort(28) & 0xffff;
        int compression = in.getInt(30);
        long size = compression == 0 || compression == 3 ? (w * bits + 31) / 32 * 4 * h : in.getInt(34) & 0xffffffffL;
        if (pixels + size > b.length) {
            return Optional.of("truncated BMP (the file ends inside its pixel data)");
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
