package run.alchemy.store.s3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.testkit.LogStoreContract;

import java.util.ArrayList;
import java.util.List;

/**
 * The log-store conformance suite, unchanged, against a real S3 API server (S3Proxy 4.0.0, whose
 * {@code If-None-Match: *} is atomic: the racing-appends and racing-creates tests rely on it, as
 * the log and the engine's lease do).
 */
class S3LogStoreTest extends LogStoreContract {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private final List<S3StateStore> stores = new ArrayList<>();
    private String bucket;

    @AfterEach
    void closeStores() {
        stores.forEach(S3StateStore::close);
    }

    @Override
    protected S3StateStore newStore() {
        bucket = s3.newBucket();
        return reopenStore();
    }

    /** A new store sharing nothing in memory with the others (only the stateless client), as another process. */
    @Override
    protected S3StateStore reopenStore() {
        S3StateStore store = s3.store(bucket).client(s3.client()).build();
        stores.add(store);
        return store;
    }
}
