package run.alchemy.store.s3.internal;

import run.alchemy.api.StoreException;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter for the retries the SDK does not make itself. */
final class Backoff {
    private static final long BASE_MILLIS = 20;
    private static final long CAP_MILLIS = 2_000;

    private Backoff() {
    }

    /** Sleeps before retry number {@code attempt} (1-based): a random time up to 20 ms · 2^(attempt-1), at most 2 s. */
    static void sleep(int attempt) {
        long ceiling = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt - 1, 16));
        try {
            Thread.sleep(1 + ThreadLocalRandom.current().nextLong(ceiling));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying an S3 request", e);
        }
    }
}
