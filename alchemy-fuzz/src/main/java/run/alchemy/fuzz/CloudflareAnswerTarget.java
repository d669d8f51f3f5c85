package run.alchemy.fuzz;

import run.alchemy.api.StoreException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.r2.R2StateStore;

import java.time.Duration;
import java.util.List;

/**
 * What Cloudflare's REST API answers the R2 store (its JSON envelope, object bodies, listings
 * with cursors): a record read and a scope listed, each answered with the fuzzer's status, type
 * and body. The store refuses what it cannot use with a {@link StoreException} naming the bucket.
 */
public final class CloudflareAnswerTarget {
    private static final String BUCKET = "fuzz-bucket";
    private static final AnswerServer SERVER = new AnswerServer();
    private static final StateStore STORE = R2StateStore.builder().account("fuzz-account").bucket(BUCKET)
            .apiToken("fuzz-api-token-0123456789").baseUrl(SERVER.url() + "/client/v4").maxAttempts(1)
            .timeout(Duration.ofSeconds(1)).build();
    private static final List<String> CHAIN = List.of("fuzz-app", "fuzz-stage");

    private CloudflareAnswerTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(CloudflareAnswerTarget::fuzzerTestOneInput, "CloudflareAnswerTarget");
    }

    /**
     * One input.
     *
     * @param data a status byte, a content-type byte, then the body
     */
    public static void fuzzerTestOneInput(byte[] data) {
        SERVER.answer(data);
        Rule.typed(BUCKET, StoreException.class, () -> STORE.get(CHAIN, "record"));
        Rule.typed(BUCKET, StoreException.class, () -> STORE.contents(CHAIN));
    }
}
