package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.testkit.CompactBodyContract;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract against {@link FakeCloudflare} (no emulator of Cloudflare's REST API exists;
 * the fake follows the documented API), with pages of 3 so that every listing is paged, plus
 * Alchemy's layout and bodies checked object by object.
 */
class R2StateStoreTest extends CompactBodyContract {
    private static FakeCloudflare cf;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private String bucket;

    @BeforeAll
    static void startFake() throws Exception {
        cf = FakeCloudflare.start().pageSize(3);
    }

    @AfterAll
    static void stopFake() {
        cf.close();
    }

    @Override
    protected StateStore newStore() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        return R2StateStore.builder().bucket(bucket).environment(Map.of("CLOUDFLARE_API_TOKEN", cf.token,
                "CLOUDFLARE_BASE_URL", cf.baseUrl())).build();
    }

    @Test
    void recordsLieUnderAlchemysKeysAsCompactJsonAndReadBackInTheEnginesForm() {
        byte[] engine = json("{\n  \"kind\": \"t\",\n  \"props\": {\n    \"a\": [\n      1,\n      {}\n    ]\n  }\n}");
        store.put(List.of("app", "dev", "parent"), "api/v1", engine);
        assertEquals(Map.of("alchemy/app/dev/parent/api:v1", "{\"kind\":\"t\",\"props\":{\"a\":[1,{}]}}"), cf.objects(bucket));
        assertArrayEquals(engine, store.get(List.of("app", "dev", "parent"), "api/v1").orElseThrow());
        assertEquals("r2://" + bucket + "/alchemy/app/dev/parent/api:v1", store.locate(List.of("app", "dev", "parent"), "api/v1"));
    }

    @Test
    void aScopeOfManyRecordsAndScopesIsListedOverEveryPage() {
        for (int i = 0; i < 10; i++) {
            store.put(STAGE, "r" + i, json("{}"));
            store.put(List.of("app", "dev", "s" + i), "child", json("{}"));
        }
        cf.clearRequests();
        StateStore.Contents contents = store.contents(STAGE);
        assertEquals(10, contents.ids().size(), contents.toString());
        assertEquals(10, contents.scopes().size(), contents.toString());
        assertEquals(7, cf.requests().stream().filter(FakeCloudflare.Seen::isList).count(), "20 entries in pages of 3");
    }

    @Test
    void aRecordWrittenByAlchemyInAnySpacingReadsInTheEnginesForm() {
        cf.putObject(bucket, "alchemy/app/dev/x", "{\"status\":\"created\",\"props\":{\"s\":\"a, b: {c}\"}}");
        assertEquals("{\n  \"status\": \"created\",\n  \"props\": {\n    \"s\": \"a, b: {c}\"\n  }\n}",
                new String(store.get(STAGE, "x").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void bytesThatAreNotJsonAreRefusedRatherThanAltered() {
        var e = assertThrows(IllegalArgumentException.class, () -> store.put(STAGE, "x", json("not json")));
        assertTrue(e.getMessage().contains("r2://" + bucket + "/alchemy/app/dev/x"), e.getMessage());
        assertThrows(InvalidIdException.class, () -> store.put(List.of(".alchemy-java", "dev"), "x", json("{}")));
    }
}
