package run.alchemy.store.s3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.EventLog;
import run.alchemy.testkit.EventLogContract;

import java.util.ArrayList;
import java.util.List;

/**
 * The event-log conformance suite, unchanged, against a real S3 API server (S3Proxy 4.0.0, whose
 * {@code If-None-Match: *} is atomic: the racing-appends tests rely on it, as the log does).
 */
class S3EventLogTest extends EventLogContract {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private final List<S3StateStore> stores = new ArrayList<>();
    private String bucket;

    @AfterEach
    void closeStores() {
        stores.forEach(S3StateStore::close);
    }

    @Override
    protected EventLog newLog() {
        bucket = s3.newBucket();
        return reopen();
    }

    /** A new store and log sharing nothing in memory with the others (only the stateless client), as another process. */
    @Override
    protected EventLog reopen() {
        S3StateStore store = s3.store(bucket).client(s3.client()).build();
        stores.add(store);
        return store.eventLog("app", "dev").orElseThrow();
    }
}
