package run.alchemy.store.s3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.EventLog;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.testkit.EventLogContract;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theLeaseChainIsTidiedOnRelease() {
        for (int run = 0; run < 12; run++) {
            LockHolder me = holder("run-" + run);
            assertTrue(log.tryLock(me, minutes(5)).isEmpty());
            log.renew(me, minutes(5));
            assertTrue(log.unlock(me.lockId()));
        }
        long generations = s3.client().listObjectsV2(b -> b.bucket(bucket).prefix("alchemy/.alchemy-java/app/dev/lock/"))
                .keyCount();
        assertTrue(generations <= 10, generations + " lease generations kept after 36 transitions");
        assertTrue(log.holder().isEmpty());
        assertTrue(log.tryLock(holder("run-last"), minutes(5)).isEmpty(), "the tidied chain still works");
    }
}
