package run.alchemy.fuzz;

import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.store.fs.internal.FileSystemLogStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A segment of the file store's event log, as a crash, a disk or a hand left it: opened (which
 * repairs a torn tail), its head found, and every record read and decoded. The first byte picks
 * the mode: odd, and the harness first writes each line's checksum, so that the fuzzer reaches
 * past the checksum into the framing and the events; even, and the bytes are written as they are.
 */
public final class SegmentTarget {
    private static final Path DIR = scratch();
    private static final Path SEGMENT = DIR.resolve("log").resolve("00000000000000000001.seg");

    private SegmentTarget() {
    }

    private static Path scratch() {
        try {
            // In memory where the machine has it: repairing a torn tail syncs, once per input.
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "alchemy-fuzz-segment") : Files.createTempDirectory("alchemy-fuzz-segment");
            Files.createDirectories(dir.resolve("log"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(SegmentTarget::fuzzerTestOneInput, "SegmentTarget");
    }

    /**
     * One input.
     *
     * @param data a mode byte, then the segment's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] segment = Arrays.copyOfRange(data, 1, data.length);
        try {
            Files.write(SEGMENT, (data[0] & 1) == 1 ? checksummed(segment) : segment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String where = SEGMENT.toString();
        try (FileSystemLogStore log = new FileSystemLogStore(DIR)) {
            Rule.typed(where, () -> log.read(0, (position, record) -> {
                String at = where + " position " + position;
                Rule.typed(at, () -> EventCodec.decode(position, record, at));
                return true;
            }));
            Rule.typed(where, log::head);
        }
    }

    /** The lines with their checksum (the first 8 of {@code crc32c-hex position record}) written in. */
    static byte[] checksummed(byte[] segment) {
        byte[] out = segment.clone();
        int start = 0;
        for (int i = 0; i <= out.length; i++) {
            if (i < out.length && out[i] != '\n') {
                continue;
            }
            if (i - start >= 10 && out[start + 8] == ' ') {
                CRC32C crc = new CRC32C();
                crc.update(out, start + 9, i - start - 9);
                byte[] hex = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(hex, 0, out, start, 8);
            }
            start = i + 1;
        }
        return out;
    }
}
