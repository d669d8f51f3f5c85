package run.alchemy.fuzz;

import run.alchemy.api.StoreException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.durable.DurableObjectStateStore;

import java.time.Duration;
import java.util.List;

/**
 * What the Durable Object store's worker answers (ours or Alchemy's): a record read and a scope
 * listed, each answered with the fuzzer's status, type and body. A store refuses what it cannot
 * use with a {@link StoreException} naming the worker's URL.
 */
public final class WorkerAnswerTarget {
    private static final AnswerServer SERVER = new AnswerServer();
    private static final StateStore STORE = DurableObjectStateStore.builder().url(SERVER.url() + "/")
            .token("fuzz-token-that-is-long-enough-0123456789").maxAttempts(1).timeout(Duration.ofSeconds(1)).build();
    private static final List<String> CHAIN = List.of("fuzz-app", "fuzz-stage");

    private WorkerAnswerTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(WorkerAnswerTarget::fuzzerTestOneInput, "WorkerAnswerTarget");
    }

    /**
     * One input.
     *
     * @param data a status byte, a content-type byte, then the body
     */
    public static void fuzzerTestOneInput(byte[] data) {
        SERVER.answer(data);
        String where = "127.0.0.1";
        Rule.typed(where, StoreException.class, () -> STORE.get(CHAIN, "record"));
        Rule.typed(where, StoreException.class, () -> STORE.contents(CHAIN));
    }
}
