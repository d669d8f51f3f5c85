package run.alchemy.examples;

import run.alchemy.api.spi.StateStore;
import run.alchemy.store.mem.MemoryStateStore;
import run.alchemy.testkit.LogStoreContract;
import run.alchemy.testkit.StateStoreContract;

// docs/stores.md: the conformance suites of alchemy-testkit, run on a store (here the memory store).

// region store-contract
class MemoryStoreContractTest extends StateStoreContract {
    @Override
    protected StateStore newStore() {
        return MemoryStateStore.create();  // a new, empty store before each test
    }
}

class MemoryLogStoreContractTest extends LogStoreContract {
    private MemoryStateStore first;

    @Override
    protected StateStore newStore() {
        first = MemoryStateStore.create();
        return first;
    }

    @Override
    protected StateStore reopenStore() {
        return first.reopen();  // another instance on the same storage, as a second process opens it
    }
}
// endregion
