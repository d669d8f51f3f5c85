package run.alchemy.testkit;

import org.junit.jupiter.api.Test;
import run.alchemy.store.r2.internal.JsonText;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract, with the three tests that put compact text and expect those very bytes back
 * restated for this store: it uploads {@code JSON.stringify(record)} as Alchemy's R2RestStateStore
 * does, and hands back the engine's two-space spelling of it (what the engine writes, and what it
 * compares hashes of). So each of them expects the two-space form of what it put; every other
 * test of the contract, including the round trip of engine-shaped bytes, runs unchanged. (In the
 * contract's package because its tests are package-private: only here can they be overridden.)
 */
public abstract class CompactBodyContract extends StateStoreContract {

    /** The engine's spelling of {@code text}: {@code JSON.stringify(JSON.parse(text), null, 2)}. */
    protected static byte[] pretty(String text) {
        return JsonText.pretty(JsonText.compact(json(text)));
    }

    @Test
    @Override
    void getBatchReturnsOnlyExistingRecords() {
        store.put(STAGE, "a", json("{\"n\":1}"));
        store.put(STAGE, "b", json("{\"n\":2}"));
        Map<String, byte[]> found = store.getBatch(STAGE, List.of("a", "missing", "b"));
        assertEquals(Set.of("a", "b"), found.keySet());
        assertArrayEquals(json("{\n  \"n\": 2\n}"), found.get("b"));
    }

    @Test
    @Override
    void stagesAndAppsAreIndependent() {
        store.put(List.of("app", "dev"), "x", json("{\"stage\":\"dev\"}"));
        store.put(List.of("app", "prod"), "x", json("{\"stage\":\"prod\"}"));
        store.put(List.of("other", "dev"), "x", json("{\"app\":\"other\"}"));
        assertArrayEquals(pretty("{\"stage\":\"prod\"}"), store.get(List.of("app", "prod"), "x").orElseThrow());
        store.delete(List.of("app", "dev"), "x");
        assertTrue(store.get(List.of("app", "prod"), "x").isPresent());
        assertTrue(store.get(List.of("other", "dev"), "x").isPresent());
    }

    @Test
    @Override
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
        assertArrayEquals(pretty("{\"n\":42}"), store.get(STAGE, "r42").orElseThrow());
    }
}
