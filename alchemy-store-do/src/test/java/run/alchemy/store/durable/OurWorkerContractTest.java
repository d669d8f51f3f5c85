package run.alchemy.store.durable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cloudflare.JsonText;
import run.alchemy.testkit.StateStoreContract;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract against alchemy-java's worker (worker/state-store.js) in real workerd. */
class OurWorkerContractTest extends StateStoreContract {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();

    @Override
    protected StateStore newStore() {
        return worker.freshStore().pageSize(7).build();
    }

    /** The worker keeps {@code JSON.stringify(record)}; the store hands back the engine's two-space form. */
    @Override
    protected void assertSameRecord(byte[] put, byte[] got) {
        assertArrayEquals(JsonText.pretty(JsonText.compact(put)), got);
    }

    @Test
    void itIsOurWorkerWithALog() {
        DurableObjectStateStore s = (DurableObjectStateStore) store;
        assertTrue(s.isOurWorker());
        assertTrue(s.logStore("app", "dev").isPresent());
        assertTrue(s.logNote().isEmpty());
    }

    @Test
    void aBatchOfWritesAndReadsPagesThroughManyRecords() {
        List<StateStore.Write> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            writes.add(new StateStore.Write(STAGE, "r" + i, json("{\n  \"n\": " + i + "\n}")));
        }
        writes.add(new StateStore.Write(List.of("app", "dev", "r1"), "child", json("{}")));
        store.writeAll(writes);
        assertEquals(40, store.list(STAGE).size());
        assertEquals(List.of("r1"), store.listScopes(STAGE));
        Map<String, byte[]> all = store.getBatch(STAGE, store.list(STAGE));
        assertEquals(40, all.size());
        assertArrayEquals(json("{\n  \"n\": 39\n}"), all.get("r39"));
        store.writeAll(List.of(new StateStore.Write(STAGE, "r0", null), new StateStore.Write(STAGE, "r39", null)));
        assertEquals(38, store.list(STAGE).size());
    }

    @Test
    void aRecordLargerThanOneStoredValueIsCutAndJoined() {
        // over 2 MB of text, and characters of 1 to 4 UTF-8 bytes across the part boundaries
        String big = "é☃\uD83D\uDE00x".repeat(300_000);
        byte[] doc = json("{\n  \"big\": \"" + big + "\"\n}");
        store.put(STAGE, "big", doc);
        assertArrayEquals(doc, store.get(STAGE, "big").orElseThrow());
        assertArrayEquals(doc, store.getBatch(STAGE, List.of("big")).get("big"));
    }
}
