package run.alchemy.store.durable;

import org.junit.jupiter.api.extension.RegisterExtension;
import run.alchemy.api.spi.StateStore;
import run.alchemy.testkit.LogStoreContract;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The log contract against alchemy-java's worker in real workerd. Each test gets a fresh key
 * prefix, which names the logs' Durable Objects too; pages of 7 records make every read of more
 * than a handful of records span several requests.
 */
class OurWorkerLogContractTest extends LogStoreContract {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private String prefix;

    @Override
    protected StateStore newStore() {
        prefix = "log" + PREFIXES.incrementAndGet();
        return worker.store(prefix).pageSize(7).build();
    }

    @Override
    protected StateStore reopenStore() {
        return worker.store(prefix).pageSize(7).build();
    }
}
