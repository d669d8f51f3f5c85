package run.alchemy.store.r2;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cloudflare.JsonText;
import run.alchemy.testkit.StateStoreContract;

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
 * Alchemy's layout and bodies checked object by object. The store uploads compact
 * {@code JSON.stringify(record)} as Alchemy's R2RestStateStore does and hands back the engine's
 * two-space spelling of it, so a record reads back as that spelling of what was put.
 */
class R2StateStoreTest extends StateStoreContract {
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
    protected void assertSameRecord(byte[] put, byte[] got) {
        assertArrayEquals(JsonText.pretty(JsonText.compact(put)), got);
    }

    @Override
    protected StateStore newStore() {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        return R2StateStore.builder().bucket(bucket).environment(Map.of("CLOUDFLARE_API_TOKEN", cf.token,
                "CLOUDFLARE_BASE_URL", cf.baseUrl())).build();
    }

    @Test
    void theListingCarriesEachRecordsETagAsItsVersion() {
        store.put(STAGE, "a", json("{}"));
        String version = store.contents(STAGE).versions().get("a");
        assertTrue(version != null && !version.isEmpty(), "the listing's etag: " + store.contents(STAGE));
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
