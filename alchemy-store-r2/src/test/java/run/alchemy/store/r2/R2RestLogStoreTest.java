package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.testkit.LogStoreContract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log-store conformance suite in log mode REST: the S3 store's log carried over Cloudflare's
 * REST object API, here {@link FakeCloudflare} (no emulator of that API exists; the fake is written
 * from the documented API). A REST create is a read, an upload and a read-back, not atomic, so the
 * suite's three cases that race two writers are skipped; the cases below show, deterministically,
 * what the read-back catches.
 */
class R2RestLogStoreTest extends LogStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
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
        bucket = "rest-log-" + BUCKETS.incrementAndGet();
        return reopenStore();
    }

    @Override
    protected R2StateStore reopenStore() {
        R2StateStore store = R2StateStore.builder().bucket(bucket)
                .environment(Map.of("CLOUDFLARE_API_TOKEN", cf.token, "CLOUDFLARE_BASE_URL", cf.baseUrl(),
                        "ALCHEMY_R2_CACHE", "none"))
                .logMode(R2StateStore.LogMode.REST).build();
        stores.add(store);
        return store;
    }

    @Override
    protected boolean createsAreAtomic() {
        return false;
    }

    private static String logKey(String name) {
        return "alchemy/.alchemy-java/" + APP + "/" + STAGE + "/" + name;
    }

    @Test
    void anUploadLandingBeforeTheReadBackMakesTheCreateWithdraw() {
        cf.afterServing(s -> s.method().equals("PUT") && s.path().endsWith("/" + logKey("lock/1")),
                () -> cf.putObject(bucket, logKey("lock/1"), "other"));
        assertFalse(log.createControl("lock/1", bytes("mine")), "the read-back saw the other writer's bytes");
        assertEquals("other", text(log.control("lock/1").orElseThrow().bytes()));
    }

    @Test
    void anUploadLandingBeforeTheReadBackMakesTheAppendConflict() throws Exception {
        String batch = logKey("log/00000000000000000001");
        String theirs = "alchemy-java-batch 1 1 1 their-batch\n{\"by\":\"them\"}\n";
        cf.afterServing(s -> s.method().equals("PUT") && s.path().endsWith("/" + batch),
                () -> cf.putObject(bucket, batch, theirs));
        assertThrows(LogConflictException.class, () -> log.append(0, records("{\"by\":\"me\"}")));
        assertEquals(1, log.head());
        assertEquals(List.of("{\"by\":\"them\"}"), texts(readAll(second(), 0)));
    }

    @Test
    void theLogIsTheS3StoresLayoutOverRestAndTheCommandSaysWhatItLacks() {
        cf.clearRequests();
        log.append(0, records("r1"));
        assertTrue(cf.objects(bucket).keySet().stream().allMatch(k -> k.startsWith(logKey(""))), cf.objects(bucket).toString());
        assertTrue(cf.requests().stream().filter(r -> r.method().equals("PUT")).count() >= 1);
        R2StateStore r2 = (R2StateStore) store;
        assertEquals(R2StateStore.LogMode.REST, r2.logMode());
        String note = r2.logNote().orElseThrow();
        assertTrue(note.contains("log=rest") && note.contains("at the same moment"), note);
        assertTrue(r2.toString().contains("event log over REST") && !r2.toString().contains(cf.token), r2.toString());
    }
}
