package run.alchemy.fuzz;

import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.store.s3.internal.S3LogStore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The objects of an S3 or R2 event log (batches, floors, legacy checkpoints) as a bucket holds
 * them: the log's head found, every record read and decoded. The input is the objects, separated
 * by NUL bytes; each is its key below the log's root on its first line, then its body.
 */
public final class LogObjectTarget {
    private static final String ROOT = "fuzz/";
    private static final MemoryObjects OBJECTS = new MemoryObjects();

    private LogObjectTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(LogObjectTarget::fuzzerTestOneInput, "LogObjectTarget");
    }

    /**
     * One input.
     *
     * @param data the objects
     */
    public static void fuzzerTestOneInput(byte[] data) {
        OBJECTS.clear();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i < data.length && data[i] != 0) {
                continue;
            }
            byte[] object = Arrays.copyOfRange(data, start, i);
            int nl = indexOf(object, (byte) '\n');
            if (nl > 0) {
                OBJECTS.add(ROOT + new String(object, 0, nl, StandardCharsets.UTF_8),
                        Arrays.copyOfRange(object, nl + 1, object.length));
            }
            start = i + 1;
        }
        String where = OBJECTS.url(ROOT);
        S3LogStore log = new S3LogStore(OBJECTS, ROOT);
        Rule.typed(where, log::head);
        Rule.typed(where, () -> log.read(0, (position, record) -> {
            String at = where + " position " + position;
            Rule.typed(at, () -> EventCodec.decode(position, record, at));
            return true;
        }));
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
