package run.alchemy.store.mem;

import org.junit.jupiter.api.Test;
import run.alchemy.api.Action;
import run.alchemy.api.Context;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.StageLockedException;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;
import run.alchemy.engine.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unit test a provider's author writes: the provider against a fake of its cloud, the engine
 * on a {@link MemoryStateStore}. Deploy creates, redeploy skips, a change updates, destroy deletes,
 * and the history tells the runs: every path of the engine, with no file and no server.
 */
class ProviderUnitTest {
    /** What the fake cloud holds: bucket name to region. */
    private final Map<String, String> cloud = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();

    record BucketProps(String name, String region) {
    }

    record Bucket(String name, String region, String url) {
    }

    /** The provider under test. */
    final class Buckets implements ResourceProvider<BucketProps, Bucket> {
        @Override
        public String kind() {
            return "example::Bucket";
        }

        @Override
        public Class<BucketProps> propsType() {
            return BucketProps.class;
        }

        @Override
        public Class<Bucket> outputType() {
            return Bucket.class;
        }

        @Override
        public Bucket create(Context<BucketProps, Bucket> ctx, BucketProps props) {
            calls.add("create " + props.name());
            return put(props);
        }

        @Override
        public Bucket update(Context<BucketProps, Bucket> ctx, BucketProps props) {
            calls.add("update " + props.name());
            return put(props);
        }

        private Bucket put(BucketProps props) {
            cloud.put(props.name(), props.region());
            return new Bucket(props.name(), props.region(), "https://" + props.name() + "." + props.region());
        }

        @Override
        public void delete(Context<BucketProps, Bucket> ctx, BucketProps props, Bucket output) {
            calls.add("delete " + props.name());
            cloud.remove(output.name());
        }
    }

    private final Buckets buckets = new Buckets();
    /** One storage for every run of the test: each app closes it, which keeps the records. */
    private final MemoryStateStore state = MemoryStateStore.create("provider-test");
    private final List<Outcome> outcomes = new ArrayList<>();

    private Stage run(Phase phase) {
        outcomes.clear();
        calls.clear();
        return Alchemy.app("shop").stage("test").phase(phase).password("unit-test-password")
                .environment(Map.of()).stateStore(state).provider(buckets).listener(outcomes::add);
    }

    private Bucket deploy(String region) {
        try (Alchemy app = run(Phase.UP).open()) {
            return app.apply("assets", buckets, new BucketProps("shop-assets", region));
        }
    }

    private List<Action> actions() {
        return outcomes.stream().map(Outcome::action).toList();
    }

    @Test
    void deployRedeployChangeDestroyAndTheHistoryAllInMemory() {
        Bucket created = deploy("eu-west-1");
        assertEquals("https://shop-assets.eu-west-1", created.url());
        assertEquals(List.of("create shop-assets"), calls);
        assertEquals(List.of(Action.CREATED), actions());
        assertEquals(Map.of("shop-assets", "eu-west-1"), cloud);
        assertTrue(state.get(List.of("shop", "test"), "assets").isPresent(), "the state is where the engine keeps it");

        Bucket again = deploy("eu-west-1");
        assertEquals(created, again, "the stored output");
        assertEquals(List.of(), calls, "unchanged props: the provider is not called");
        assertEquals(List.of(Action.SKIPPED), actions());

        deploy("us-east-1");
        assertEquals(List.of("update shop-assets"), calls);
        assertEquals(List.of(Action.UPDATED), actions());
        assertEquals(Map.of("shop-assets", "us-east-1"), cloud);

        try (Alchemy app = run(Phase.DESTROY).open()) {
            assertEquals(Phase.DESTROY, app.phase());
        }
        assertEquals(List.of("delete shop-assets"), calls);
        assertEquals(List.of(Action.DELETED), actions());
        assertEquals(Map.of(), cloud);
        assertTrue(state.get(List.of("shop", "test"), "assets").isEmpty());

        try (History history = run(Phase.UP).history()) {
            List<Run> runs = history.runs();
            // The redeploy changed nothing, and a run that changes nothing appends nothing to the log.
            assertEquals(List.of(Phase.UP, Phase.UP, Phase.DESTROY), runs.stream().map(Run::phase).toList());
            assertEquals(List.of(1, 0, 0), runs.stream().map(Run::created).toList());
            assertEquals(List.of(0, 1, 0), runs.stream().map(Run::updated).toList());
            assertEquals(List.of(0, 0, 1), runs.stream().map(Run::deleted).toList());
            assertTrue(runs.stream().allMatch(r -> r.result() == Run.Result.SUCCEEDED), runs.toString());
            assertEquals(Map.of(), history.state(), "nothing left after the destroy");
            assertTrue(history.verify().toString().length() > 0);
        }
        assertEquals(java.util.Set.of("test"), state.eventLogStages("shop"));
    }

    @Test
    void aSecondRunOfTheStageMeanwhileFindsItLeased() {
        try (Alchemy first = run(Phase.UP).open()) {
            first.apply("assets", buckets, new BucketProps("shop-assets", "eu-west-1"));
            // Another run, as another process would open the same storage.
            Stage second = Alchemy.app("shop").stage("test").password("unit-test-password")
                    .environment(Map.of()).stateStore(state.reopen());
            assertThrows(StageLockedException.class, () -> {
                try (Alchemy app = second.open()) {
                    app.apply("logs", buckets, new BucketProps("shop-logs", "eu-west-1"));
                }
            });
        }
        assertEquals(Map.of("shop-assets", "eu-west-1"), cloud);
    }
}
