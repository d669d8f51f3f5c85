package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store without a log (Alchemy's own Durable Object worker, R2 with {@code log=none}) is read a
 * scope at a time, as with a log: a no-op redeploy lists the stage once and reads its records in
 * batches, never one request per record nor a listing per resource's child scope.
 */
class SnapshotOnlyReadsTest {
    private static final int N = 300;

    @TempDir
    Path dir;

    /** The file-system store with its log hidden, counting the requests a remote store would answer. */
    private static final class CountingNoLogStore extends ForwardingStore {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger listings = new AtomicInteger();

        CountingNoLogStore(Path root) {
            super(new FileSystemStateStore(root));
        }

        @Override
        public Optional<LogStore> logStore(String app, String stage) {
            return Optional.empty();
        }

        @Override
        public boolean hasLog(String app, String stage) {
            return false;
        }

        @Override
        public Optional<byte[]> get(List<String> chain, String id) {
            gets.incrementAndGet();
            return super.get(chain, id);
        }

        @Override
        public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
            batches.incrementAndGet();
            return super.getBatch(chain, ids);
        }

        @Override
        public Contents contents(List<String> chain) {
            listings.incrementAndGet();
            return super.contents(chain);
        }
    }

    private List<Action> deploy(CountingNoLogStore store, String suffix) {
        List<Action> actions = new ArrayList<>();
        Thing thing = new Thing();
        Alchemy.app("app").stage("dev").stateStore(store).listener(o -> actions.add(o.action())).run(a -> {
            for (int i = 0; i < N; i++) {
                a.apply("r" + i, thing, new Thing.Props("name-" + i + suffix));
            }
        });
        return actions;
    }

    @Test
    void aNoOpReadsTheStageInBatchesWithoutARequestPerRecord() {
        Path root = dir.resolve(".alchemy");
        assertTrue(deploy(new CountingNoLogStore(root), "").stream().allMatch(a -> a == Action.CREATED));

        CountingNoLogStore store = new CountingNoLogStore(root);
        List<Action> noOp = deploy(store, "");
        assertEquals(N, noOp.size());
        assertTrue(noOp.stream().allMatch(a -> a == Action.SKIPPED), noOp.toString());
        assertTrue(store.gets.get() <= 2, "reads one by one: " + store.gets);
        assertTrue(store.batches.get() <= N / 64 + 1, "batches: " + store.batches);
        assertTrue(store.listings.get() <= 3, "a listing per resource's child scope: " + store.listings);

        CountingNoLogStore changed = new CountingNoLogStore(root);
        assertTrue(deploy(changed, "-v2").stream().allMatch(a -> a == Action.UPDATED));
        assertEquals(N, new FileSystemStateStore(root).list(List.of("app", "dev")).size());
    }
}
