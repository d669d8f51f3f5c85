package run.alchemy.store.mem;

import org.junit.jupiter.api.Test;
import run.alchemy.testkit.LogStoreContract;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryLogStoreTest extends LogStoreContract {
    private MemoryStateStore first;

    @Override
    protected MemoryStateStore newStore() {
        first = MemoryStateStore.create("log-contract");
        return first;
    }

    /** Another instance on the same storage, as a second process would open it. */
    @Override
    protected MemoryStateStore reopenStore() {
        return first.reopen();
    }

    @Test
    void eventLogStagesNamesTheStagesWithALog() {
        store.logStore(APP, "opened-only").orElseThrow().head();
        log.append(0, records("r1"));
        store.logStore(APP, "prod").orElseThrow().putControl("projected", bytes("1"));
        assertEquals(Set.of(STAGE, "prod"), store.eventLogStages(APP));
        assertEquals(Set.of(), store.eventLogStages("other-app"));
    }
}
