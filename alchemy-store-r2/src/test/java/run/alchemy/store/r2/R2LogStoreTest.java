package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.testkit.LogStoreContract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log-store conformance suite, unchanged, in mode (a): the R2 store hands out the S3 store's log
 * on R2's S3-compatible endpoint, here a real S3 API server (S3Proxy, whose {@code If-None-Match: *}
 * is atomic, as R2's is), while snapshots go to the fake REST API.
 */
class R2LogStoreTest extends LogStoreContract {
    @RegisterExtension
    static final LocalS3 s3 = LocalS3.perClass();
    private static FakeCloudflare cf;
    private final List<R2StateStore> stores = new ArrayList<>();
    private String bucket;

    @BeforeAll
    static void startFake() throws Exception {
        cf = FakeCloudflare.start();
    }

    @AfterAll
    static void stopFake() {
        cf.close();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(R2StateStore::close);
    }

    @Override
    protected R2StateStore newStore() {
        bucket = s3.newBucket();
        return reopenStore();
    }

    @Override
    protected R2StateStore reopenStore() {
        R2StateStore store = R2StateStore.builder().bucket(bucket)
                .environment(Map.of("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl()))
                .eventLogOnS3(s3.endpoint(), s3.accessKey(), s3.secretKey()).s3Region(LocalS3.REGION).build();
        stores.add(store);
        return store;
    }

    @Test
    void theLogLivesWhereAlchemyNeverListsAndTheModeIsShown() {
        log.append(0, records("r1"));
        var keys = s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).toList();
        assertTrue(keys.stream().allMatch(k -> k.startsWith("alchemy/.alchemy-java/" + APP + "/" + STAGE + "/")), keys.toString());
        R2StateStore r2 = (R2StateStore) store;
        assertEquals(R2StateStore.LogMode.S3, r2.logMode());
        assertTrue(r2.logNote().orElseThrow().contains("log=s3"), r2.logNote().toString());
        assertTrue(r2.toString().contains("event log on S3StateStore["), r2.toString());
        assertTrue(!r2.toString().contains(s3.secretKey()) && !r2.toString().contains(cf.token), r2.toString());
        assertEquals(0, cf.requests().stream().filter(r -> r.path().contains(bucket)).count(), "the log never uses REST");
    }
}
