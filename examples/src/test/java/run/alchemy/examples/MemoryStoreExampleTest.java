package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import run.alchemy.api.Action;
import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;
import run.alchemy.store.mem.MemoryStateStore;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/stores.md: a provider's unit test on the in-memory store. */
class MemoryStoreExampleTest {
    @Test
    void aProviderUnitTestInMemory() {
        List<Action> actions = new ArrayList<>();
        // region memory-store
        MemoryStateStore state = MemoryStateStore.create();  // one storage for every run of the test
        Stage test = Alchemy.app("my-app").stage("test").stateStore(state)  // immutable: kept and run again
                .listener(outcome -> actions.add(outcome.action()));
        test.run(app -> app.apply("a", Credentials.PROVIDER, new Credentials("a", null)));  // [created]
        test.run(app -> app.apply("a", Credentials.PROVIDER, new Credentials("a", null)));  // [skipped]
        test.phase(Phase.DESTROY).provider(Credentials.PROVIDER).run(app -> { });            // [deleted]
        try (History history = test.history()) {
            assertEquals(2, history.runs().size());  // a run that changed nothing appends nothing
        }
        // endregion
        assertEquals(List.of(Action.CREATED, Action.SKIPPED, Action.DELETED), actions);
        assertEquals(List.of(), state.list(List.of("my-app", "test")));
    }
}
