package run.alchemy.store.s3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.testkit.LogStoreContract;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static run.alchemy.store.s3.LocalStores.store;

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
        S3StateStore store = store(s3, bucket).client(s3.client()).build();
        stores.add(store);
        return store;
    }

    private void putRaw(String name, String body) {
        s3.client().putObject(b -> b.bucket(bucket).key("alchemy/.alchemy-java/" + APP + "/" + STAGE + "/" + name),
                RequestBody.fromString(body));
    }

    @Test
    void aLogCompactedByEarlierVersionsIsReadWithItsCheckpoint() throws Exception {
        // What the old compaction up to 3 left: the checkpoint, a batch straddling it, a later batch.
        putRaw("checkpoint/00000000000000000003", "alchemy-java-checkpoint 1\n{\"cp\":3}\n");
        putRaw("log/00000000000000000003", "alchemy-java-batch 1 3 2 id-a\n{\"old\":3}\n{\"n\":4}\n");
        putRaw("log/00000000000000000005", "alchemy-java-batch 1 5 1 id-b\n{\"n\":5}\n");
        LogStore old = second();
        assertEquals(5, old.head());
        assertEquals(List.of(3L, 4L, 5L), positions(readAll(old, 0)));
        assertEquals(List.of("{\"cp\":3}", "{\"n\":4}", "{\"n\":5}"), texts(readAll(old, 0)));
        assertEquals(List.of("{\"n\":5}"), texts(readAll(old, 4)));
        assertThrows(LogConflictException.class, () -> old.append(2, records("{\"stale\":true}")));
        assertEquals(6, old.append(5, records("{\"checkpoint\":6}")));
        old.dropBelow(6);
        assertEquals(List.of("{\"checkpoint\":6}"), texts(readAll(second(), 0)));
        assertEquals(List.of(), old.controls(""), "the old checkpoint is gone, and never a control object");
    }
}
