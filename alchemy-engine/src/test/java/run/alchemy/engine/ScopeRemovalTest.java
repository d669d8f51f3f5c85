package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Operation;
import run.alchemy.api.Phase;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every destroyed resource is also a scope whose container goes with it, but most resources have
 * no children: the store is asked to remove only the containers its listing showed, or the run made.
 */
class ScopeRemovalTest {
    private static final int N = 20;

    @TempDir
    Path dir;

    /** The file-system store, noting the scopes it is asked to remove. */
    private static final class Counting extends ForwardingStore {
        final List<String> removed = new CopyOnWriteArrayList<>();

        Counting(Path root) {
            super(new FileSystemStateStore(root));
        }

        @Override
        public void deleteScope(List<String> chain) {
            removed.add(String.join("/", chain));
            super.deleteScope(chain);
        }
    }

    private Alchemy open(Phase phase, Counting store, Thing thing) {
        return Alchemy.app("app").stage("dev").phase(phase).password(Runs.PASSWORD).environment(Map.of())
                .stateStore(store).provider(thing).open();
    }

    private Thing deployedWithOneParent(Path root) {
        Thing thing = new Thing();
        thing.bodies.put("parent", (ctx, p) -> ctx.scope().apply("kid", thing, new Thing.Props("kid")));
        try (Alchemy app = open(Phase.UP, new Counting(root), thing)) {
            for (int i = 0; i < N; i++) {
                app.apply("r" + i, thing, new Thing.Props("r" + i));
            }
            app.apply("parent", thing, new Thing.Props("parent"));
        }
        return thing;
    }

    @Test
    void aDestroyRemovesOnlyTheContainersThatExist() {
        Path root = dir.resolve(".alchemy");
        Thing thing = deployedWithOneParent(root);
        assertTrue(Files.isRegularFile(root.resolve("app/dev/parent/kid.json")));
        Counting store = new Counting(root);
        open(Phase.DESTROY, store, thing).close();
        assertEquals(N + 2, thing.calls.stream().filter(c -> c.phase() == Operation.DELETE).count());
        assertFalse(Files.exists(root.resolve("app/dev")), "the stage's container is gone, the parent's with it");
        assertEquals(List.of("app/dev/parent", "app/dev"), store.removed,
                "the parent's container and the stage's: the listing showed no other");
    }

    @Test
    void anOrphanWithChildrenLosesItsContainerInARedeploy() {
        Path root = dir.resolve(".alchemy");
        deployedWithOneParent(root);
        Counting store = new Counting(root);
        Thing thing = new Thing();
        try (Alchemy app = open(Phase.UP, store, thing)) {
            app.apply("r0", thing, new Thing.Props("r0"));
        }
        assertFalse(Files.exists(root.resolve("app/dev/parent")), "the orphan's children and container are gone");
        assertTrue(Files.isRegularFile(root.resolve("app/dev/r0.json")));
        assertEquals(List.of("app/dev/parent"), store.removed);
    }
}
