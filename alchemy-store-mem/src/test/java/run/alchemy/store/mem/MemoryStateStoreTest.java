package run.alchemy.store.mem;

import org.junit.jupiter.api.Test;
import run.alchemy.testkit.StateStoreContract;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryStateStoreTest extends StateStoreContract {
    @Override
    protected MemoryStateStore newStore() {
        return MemoryStateStore.create("contract");
    }

    @Test
    void closeKeepsTheRecordsAndAReopenedInstanceSharesThem() {
        MemoryStateStore mem = (MemoryStateStore) store;
        mem.put(STAGE, "a", json("{}"));
        mem.close();
        assertTrue(mem.get(STAGE, "a").isPresent(), "close keeps the records");
        MemoryStateStore other = mem.reopen();
        other.put(STAGE, "b", json("{}"));
        assertEquals(List.of("a", "b"), mem.list(STAGE));
        assertTrue(MemoryStateStore.create("contract").list(STAGE).isEmpty(), "create() is a new storage");
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] doc = json("{\"n\":1}");
        store.put(STAGE, "a", doc);
        doc[6] = '2';
        byte[] got = store.get(STAGE, "a").orElseThrow();
        got[6] = '3';
        assertEquals("{\"n\":1}", new String(store.get(STAGE, "a").orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aDeletedScopeTakesItsEmptyChildScopesAlong() {
        store.put(List.of("app", "dev", "a", "b"), "x", json("{}"));
        store.delete(List.of("app", "dev", "a", "b"), "x");
        store.deleteScope(List.of("app", "dev", "a"));
        assertEquals(List.of(), store.listScopes(STAGE));
        assertEquals("mem:contract/app/dev/x", store.locate(STAGE, "x"));
    }
}
