package run.alchemy.fuzz;

import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

/**
 * A stored record (an Alchemy state file): parsed, tags revived ({@code @date}, {@code @symbol},
 * {@code @buffer}, …) and secrets opened, as every read of a snapshot does.
 */
public final class RecordTarget {
    private static final String WHERE = "fuzz/app/stage/record.json";
    private static final StateSerde SERDE = new StateSerde();
    /** The password the seed vectors' secrets were sealed with (Alchemy 0.94 wrote them). */
    static final String PASSWORD = "vector-password-1";
    private static final SecretCodec CODEC = new SecretCodec(PASSWORD);

    private RecordTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(RecordTarget::fuzzerTestOneInput, "RecordTarget");
    }

    /**
     * One input.
     *
     * @param data the record's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        Rule.typed(WHERE, () -> SERDE.readRecord(data, WHERE, CODEC));
    }
}
