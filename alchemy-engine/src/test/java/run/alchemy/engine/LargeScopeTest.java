package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scope of more records than one batch read asks for is read in the background while the
 * program applies its first resources: edits, corruption, deletions and store failures behind any
 * of its records are still found on the record they concern.
 */
class LargeScopeTest {
    private static final int N = 300; // several batch reads of the scope

    @TempDir
    Path dir;

    private Runs deployed(Thing thing) {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            for (int i = 0; i < N; i++) {
                app.apply("r" + i, thing, new Thing.Props("r" + i));
            }
        }
        return runs;
    }

    private static void redeploy(Alchemy app, Thing thing) {
        for (int i = 0; i < N; i++) {
            app.apply("r" + i, thing, new Thing.Props("r" + i));
        }
    }

    @Test
    void anEditDeepInALargeScopeIsAdoptedAndTheRestSkipped() throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        String edited = runs.read("app/dev/r250.json").replace("\"name\": \"r250\"", "\"name\": \"edited\"");
        Files.writeString(runs.file("app/dev/r250.json"), edited);
        Files.delete(runs.file("app/dev/r120.json"));
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            redeploy(app, thing);
        }
        assertEquals(List.of("update app/dev/r250", "create app/dev/r120"),
                thing.calls.stream().map(Thing.Call::brief).sorted(java.util.Comparator.reverseOrder()).toList());
        try (History h = runs.builder("dev", Phase.UP).history()) {
            List<ResourceEvent> of250 = h.of(new Address(List.of("app", "dev"), "r250"));
            assertEquals(ResourceEvent.Type.EXTERNAL_CHANGE, of250.get(3).type());
            assertEquals(edited, of250.get(3).snapshot());
            assertTrue(h.verify().ok(), () -> h.verify().toString());
        }
    }

    @Test
    void aCorruptRecordDeepInALargeScopeFailsOnlyItsOwnApplyNamingTheFile() throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        String corrupt = "{\"kind\": \"test::Thing\", \"id\": ";
        Files.writeString(runs.file("app/dev/r200.json"), corrupt);
        Map<String, String> before = runs.snapshot();
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            for (int i = 0; i < 200; i++) {
                app.apply("r" + i, thing, new Thing.Props("r" + i));
            }
            StateCorruptedException e = assertThrows(StateCorruptedException.class,
                    () -> app.apply("r200", thing, new Thing.Props("r200")));
            assertTrue(e.getMessage().contains("r200.json") && e.getMessage().contains("invalid JSON"), e.getMessage());
            app.apply("r201", thing, new Thing.Props("r201"));
        }
        assertEquals(List.of(), thing.calls, "every other record was read and skipped");
        assertEquals(before, runs.snapshot(), "nothing was written, the corrupt record neither deleted nor replaced");
    }

    @Test
    void newRecordsAreNotReadAloneToConfirmTheListingThatLacksThem() {
        CountingReads store = new CountingReads(new FileSystemStateStore(dir.resolve(".alchemy")));
        Thing thing = new Thing();
        try (Alchemy app = open(store)) {
            app.scope("parent", s -> s.apply("kid", thing, new Thing.Props("k"))); // the stage gets a subdirectory
        }
        store.gets.set(0);
        try (Alchemy app = open(store)) {
            app.scope("parent", s -> s.apply("kid", thing, new Thing.Props("k")));
            redeploy(app, thing);
        }
        assertEquals(N + 1, thing.calls.size(), "the kid once, then N creates");
        assertEquals(0, store.gets.get(), "a record the listing does not show is not read to confirm it is absent");
    }

    private static Alchemy open(ForwardingStore store) {
        return Alchemy.app("app").stage("dev").phase(Phase.UP).password(Runs.PASSWORD)
                .environment(Map.of()).stateStore(store).open();
    }

    @Test
    void aStoreThatFailsPartWayThroughAScopeFailsTheReadsItCouldNotServe() {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        FailingBatches store = new FailingBatches(new FileSystemStateStore(runs.root), 3);
        Map<String, String> before = runs.snapshot();
        thing.calls.clear();
        try (Alchemy app = Alchemy.app("app").stage("dev").phase(Phase.UP).password(Runs.PASSWORD)
                .environment(Map.of()).stateStore(store).open()) {
            app.apply("r0", thing, new Thing.Props("r0")); // in the first batch read, which succeeds
            StoreException e = assertThrows(StoreException.class, () -> redeploy(app, thing));
            assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        }
        assertEquals(List.of(), thing.calls, "no resource was treated as new because its read failed");
        assertEquals(before, runs.snapshot(), "no record was written or deleted");
    }

    /** A file store that counts the records read one at a time. */
    private static final class CountingReads extends ForwardingStore {
        final AtomicInteger gets = new AtomicInteger();

        CountingReads(FileSystemStateStore inner) {
            super(inner);
        }

        @Override
        public Optional<byte[]> get(List<String> chain, String id) {
            gets.incrementAndGet();
            return super.get(chain, id);
        }
    }

    /** A file store whose batch reads fail from the {@code failFrom}-th on, as a store that lost its connection. */
    private static final class FailingBatches extends ForwardingStore {
        private final int failFrom;
        private final AtomicInteger batches = new AtomicInteger();

        FailingBatches(FileSystemStateStore inner, int failFrom) {
            super(inner);
            this.failFrom = failFrom;
        }

        @Override
        public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
            if (ids.size() > 1 && batches.incrementAndGet() >= failFrom) {
                throw new StoreException("cannot read " + chain + ": connection reset");
            }
            return super.getBatch(chain, ids);
        }
    }
}
