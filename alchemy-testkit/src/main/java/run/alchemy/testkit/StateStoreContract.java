package run.alchemy.testkit;

import run.alchemy.api.spi.StateStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite every {@link StateStore} passes, in the manner of Terraform's backend
 * tests: extend it, return a fresh empty store from {@link #newStore()}, and it runs unchanged.
 */
public abstract class StateStoreContract {
    /** The chain of the stage most tests write in: app {@code app}, stage {@code dev}. */
    protected static final List<String> STAGE = List.of("app", "dev");

    /** The store of this test, from {@link #newStore()}; closed after the test. */
    protected StateStore store;

    /** For a store's test class, which extends this one. */
    protected StateStoreContract() {
    }

    /**
     * A new, empty store; called before each test.
     *
     * @return the store under test, which the suite closes after the test
     * @throws Exception if it cannot be made; the test then fails
     */
    protected abstract StateStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /**
     * A record's bytes.
     *
     * @param text JSON text
     * @return its UTF-8 bytes
     */
    protected static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks that a record read back ({@code got}) is the one put ({@code put}): byte for byte by
     * default. A store that keeps records in another spelling and hands back a canonical one (the
     * Durable Object store: compact JSON in, the engine's two-space form out) overrides this to
     * compare with that spelling of {@code put}; every test that reads a record back goes through it.
     *
     * @param put the bytes the test put
     * @param got the bytes the store gave back
     * @throws AssertionError if they are not the same record
     */
    protected void assertSameRecord(byte[] put, byte[] got) {
        assertArrayEquals(put, got);
    }

    @Test
    void missingRecordIsEmpty() {
        assertTrue(store.get(STAGE, "nothing").isEmpty());
        assertEquals(List.of(), store.list(STAGE));
        assertEquals(List.of(), store.listScopes(STAGE));
    }

    @Test
    void putThenGetReturnsTheSameBytes() {
        byte[] doc = json("{\n  \"kind\": \"t\",\n  \"text\": \"é ☃ \\u0000\"\n}");
        store.put(STAGE, "a", doc);
        assertSameRecord(doc, store.get(STAGE, "a").orElseThrow());
    }

    @Test
    void putReplacesTheWholeRecord() {
        store.put(STAGE, "a", json("{\"long\": \"" + "x".repeat(10_000) + "\"}"));
        byte[] shorter = json("{}");
        store.put(STAGE, "a", shorter);
        assertSameRecord(shorter, store.get(STAGE, "a").orElseThrow());
    }

    @Test
    void idsWithSlashesAndStarsListAsWritten() {
        store.put(STAGE, "api/v1/route", json("{}"));
        store.put(STAGE, "glob*", json("{}"));
        store.put(STAGE, "plain", json("{}"));
        assertEquals(Set.of("api/v1/route", "glob*", "plain"), Set.copyOf(store.list(STAGE)));
        assertTrue(store.get(STAGE, "api/v1/route").isPresent());
    }

    @Test
    void listShowsOnlyDirectRecordsAndListScopesTheChildren() {
        store.put(STAGE, "parent", json("{}"));
        store.put(List.of("app", "dev", "parent"), "child", json("{}"));
        assertEquals(List.of("parent"), store.list(STAGE));
        assertEquals(List.of("parent"), store.listScopes(STAGE));
        assertEquals(List.of("child"), store.list(List.of("app", "dev", "parent")));
    }

    @Test
    void deleteRemovesAndToleratesMissing() {
        store.put(STAGE, "a", json("{}"));
        store.delete(STAGE, "a");
        store.delete(STAGE, "a");
        store.delete(STAGE, "never-there");
        assertTrue(store.get(STAGE, "a").isEmpty());
        assertEquals(List.of(), store.list(STAGE));
    }

    @Test
    void getBatchReturnsOnlyExistingRecords() {
        store.put(STAGE, "a", json("{\"n\":1}"));
        store.put(STAGE, "b", json("{\"n\":2}"));
        Map<String, byte[]> found = store.getBatch(STAGE, List.of("a", "missing", "b"));
        assertEquals(Set.of("a", "b"), found.keySet());
        assertSameRecord(json("{\"n\":2}"), found.get("b"));
    }

    /**
     * Where a store reads a whole scope at once, the answer is what a listing and a batch read give:
     * the same ids, child scopes and bytes (ids with slashes restored), and an empty scope reads empty.
     */
    @Test
    void aWholeScopeReadAnswersAsAListingAndABatchRead() {
        List<String> empty = List.of("app", "dev", "nothing-here");
        store.put(STAGE, "a", json("{\"n\":1}"));
        store.put(STAGE, "api/v1/route", json("{\"n\":2}"));
        store.put(STAGE, "parent", json("{}"));
        store.put(List.of("app", "dev", "parent"), "child", json("{}"));
        Optional<StateStore.ScopeRead> read = store.readScope(STAGE);
        if (read.isEmpty()) {
            assertTrue(store.readScope(empty).isEmpty(), "a store reads every scope at once or none");
            return;
        }
        StateStore.Contents listed = store.contents(STAGE);
        assertEquals(listed.ids(), read.get().contents().ids());
        assertEquals(listed.scopes(), read.get().contents().scopes());
        Map<String, byte[]> batch = store.getBatch(STAGE, listed.ids());
        assertEquals(batch.keySet(), read.get().records().keySet());
        batch.forEach((id, bytes) -> assertArrayEquals(bytes, read.get().records().get(id), id));
        StateStore.ScopeRead none = store.readScope(empty).orElseThrow();
        assertEquals(List.of(), none.contents().ids());
        assertEquals(Map.of(), none.records());
    }

    /**
     * Where a listing carries version tokens (S3 and R2 ETags), a record rewritten with other bytes
     * gets another token and an untouched one keeps its own; a store whose listing has none gives
     * none, never a token for an id it did not list.
     */
    @Test
    void versionTokensChangeWithTheBytesAndOnlyWithThem() {
        store.put(STAGE, "kept", json("{\"n\":1}"));
        store.put(STAGE, "changed", json("{\"n\":1}"));
        Map<String, String> before = store.contents(STAGE).versions();
        assertTrue(List.of("changed", "kept").containsAll(before.keySet()), before.toString());
        store.put(STAGE, "changed", json("{\"n\":2}"));
        Map<String, String> after = store.contents(STAGE).versions();
        assertEquals(before.keySet(), after.keySet(), "a store gives tokens for all of its records or for none");
        if (!before.isEmpty()) {
            assertEquals(before.get("kept"), after.get("kept"), "an untouched record keeps its token");
            assertNotEquals(before.get("changed"), after.get("changed"), "a rewrite with other bytes changes it");
        }
    }

    @Test
    void deleteScopeRemovesAnEmptyScopeButKeepsOneWithRecords() {
        List<String> child = List.of("app", "dev", "parent");
        store.put(child, "kid", json("{}"));
        store.deleteScope(child);
        assertEquals(List.of("kid"), store.list(child));
        store.delete(child, "kid");
        store.deleteScope(child);
        assertFalse(store.listScopes(STAGE).contains("parent"));
    }

    @Test
    void stagesAndAppsAreIndependent() {
        store.put(List.of("app", "dev"), "x", json("{\"stage\":\"dev\"}"));
        store.put(List.of("app", "prod"), "x", json("{\"stage\":\"prod\"}"));
        store.put(List.of("other", "dev"), "x", json("{\"app\":\"other\"}"));
        assertSameRecord(json("{\"stage\":\"prod\"}"), store.get(List.of("app", "prod"), "x").orElseThrow());
        store.delete(List.of("app", "dev"), "x");
        assertTrue(store.get(List.of("app", "prod"), "x").isPresent());
        assertTrue(store.get(List.of("other", "dev"), "x").isPresent());
    }

    @Test
    void concurrentWritersToDifferentRecordsLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                futures.add(pool.submit(() -> store.put(STAGE, "r" + n, json("{\"n\":" + n + "}"))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(100, store.list(STAGE).size());
        assertSameRecord(json("{\"n\":42}"), store.get(STAGE, "r42").orElseThrow());
    }
}
