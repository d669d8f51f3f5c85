package run.alchemy.store.fs.internal;

import run.alchemy.api.StateCorruptedException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The line format of the log's segments, {@code <crc32c, 8 hex digits> <position> <record>\n}
 * (the checksum covers position and record), and the check of a segment's tail for a torn write.
 */
final class SegmentLines {
    private SegmentLines() {
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static void writeLine(OutputStream out, long position, byte[] record) throws IOException {
        for (byte b : record) {
            if (b == '\n' || b == '\r') {
                throw new IllegalArgumentException("a log record must be one line");
            }
        }
        byte[] pos = (position + " ").getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(pos);
        crc.update(record);
        long value = crc.getValue();
        byte[] head = new byte[9];
        for (int i = 7; i >= 0; i--) {
            head[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        head[8] = ' ';
        out.write(head);
        out.write(pos);
        out.write(record);
        out.write('\n');
    }


    record Parsed(long position, byte[] record) {
    }

    /** The line {@code buf[from, to)} without its newline, or null if malformed or its checksum fails. */
    static Parsed parse(byte[] buf, int from, int to) {
        if (to - from < 11 || buf[from + 8] != ' ') {
            return null;
        }
        long crc = 0;
        for (int i = from; i < from + 8; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                return null;
            }
            crc = (crc << 4) | d;
        }
        long position = 0;
        int i = from + 9;
        for (; i < to && buf[i] != ' '; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9 || i - from > 9 + 18) {
                return null;
            }
            position = position * 10 + d;
        }
        if (i >= to || i == from + 9) {
            return null;
        }
        CRC32C check = new CRC32C();
        check.update(buf, from + 9, to - from - 9);
        if (check.getValue() != crc) {
            return null;
        }
        return new Parsed(position, Arrays.copyOfRange(buf, i + 1, to));
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }


    static byte[] window(Path segment, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // until the window is full
            }
            return buf.array();
        }
    }

    /**
     * Checks the lines of {@code content} (which starts at file offset {@code base}): returns the
     * offset after the last good line and that line's position (-1: none), or null when a window
     * holds no good complete line (then the whole segment must be read).
     */
    static long[] checkTail(Path segment, byte[] content, long base) {
        int start = 0;
        if (base > 0) {
            start = indexOf(content, (byte) '\n', 0) + 1; // the window may begin mid-line
            if (start == 0) {
                return null;
            }
        }
        long good = base + start;
        long lastPosition = -1;
        for (int i = start; i < content.length; i++) {
            if (content[i] != '\n') {
                continue;
            }
            Parsed p = parse(content, start, i);
            if (p == null) {
                if (indexOf(content, (byte) '\n', i + 1) >= 0) {
                    // Complete lines follow: not a torn last write but corruption; cutting would lose them.
                    String where = base == 0 ? ":" + (1 + count(content, start)) : " at byte " + (base + start);
                    throw new StateCorruptedException(segment + where, "event log record fails its checksum");
                }
                break;
            }
            lastPosition = p.position;
            good = base + i + 1;
            start = i + 1;
        }
        return base > 0 && lastPosition < 0 ? null : new long[] {good, lastPosition};
    }

    static final int TAIL_WINDOW = 1 << 20;

    private static long count(byte[] a, int upTo) {
        long n = 0;
        for (int i = 0; i < upTo; i++) {
            if (a[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
