package run.alchemy.store.durable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cloudflare.JsonText;
import run.alchemy.testkit.StateStoreContract;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract against the real Alchemy 0.94 DOFS worker (workers/dofs-state-store.js of npm
 * alchemy@0.94.0) in real workerd: snapshots only, no log.
 */
class AlchemyWorkerContractTest extends StateStoreContract {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.alchemys();

    @Override
    protected StateStore newStore() {
        return worker.freshStore().pageSize(3).build();
    }

    /** The worker keeps {@code JSON.stringify(record)}; the store hands back the engine's two-space form. */
    @Override
    protected void assertSameRecord(byte[] put, byte[] got) {
        assertArrayEquals(JsonText.pretty(JsonText.compact(put)), got);
    }

    @Test
    void alchemysWorkerHasNoLog() {
        DurableObjectStateStore s = (DurableObjectStateStore) store;
        assertFalse(s.isOurWorker());
        assertTrue(s.logStore("app", "dev").isEmpty());
        assertFalse(s.hasLog("app", "dev"));
        assertEquals(java.util.Set.of(), s.eventLogStages("app"));
        String why = s.logNote().orElseThrow();
        assertTrue(why.contains("history and locking are off") && why.contains(worker.url()), why);
        assertFalse(why.contains(worker.token()), "the token never shows");
    }

    @Test
    void deletingARecordKeepsItsChildScopeOnAlchemysWorker() {
        // The worker also removes the directory named like the record, and fails with ENOTEMPTY
        // when it still holds the nested scope's records: the record is gone, the scope stays.
        store.put(STAGE, "parent", json("{}"));
        store.put(List.of("app", "dev", "parent"), "child", json("{\n  \"c\": 1\n}"));
        store.delete(STAGE, "parent");
        assertEquals(List.of(), store.list(STAGE));
        assertArrayEquals(json("{\n  \"c\": 1\n}"), store.get(List.of("app", "dev", "parent"), "child").orElseThrow());
    }

    @Test
    void writeAllAndBatchReadsWorkOneRecordPerRequest() {
        List<StateStore.Write> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            writes.add(new StateStore.Write(STAGE, "r" + i, json("{\n  \"n\": " + i + "\n}")));
        }
        store.writeAll(writes);
        assertEquals(10, store.getBatch(STAGE, store.list(STAGE)).size());
    }
}
