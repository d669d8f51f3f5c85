package run.alchemy.store.durable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.alchemy.api.Action;
import run.alchemy.api.Context;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.StageLockedException;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine on our worker and on Alchemy's, in real workerd: a deploy, its no-op and its destroy;
 * and on ours the stage lease, built on the log's create-if-absent, holding across two runs of one
 * stage at once.
 */
class DoDeployTest {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();
    @RegisterExtension
    static final LocalWorker alchemys = LocalWorker.alchemys();

    /** A value resource: its output is its props. */
    record Props(String name) {
    }

    static final class Echo implements ResourceProvider<Props, Props> {
        @Override
        public String kind() {
            return "dotest::Echo";
        }

        @Override
        public Class<Props> propsType() {
            return Props.class;
        }

        @Override
        public Class<Props> outputType() {
            return Props.class;
        }

        @Override
        public Props create(Context<Props, Props> ctx, Props props) {
            return props;
        }

        @Override
        public void delete(Context<Props, Props> ctx, Props props, Props output) {
        }
    }

    private static Stage app(String prefix) {
        return Alchemy.app("app").stage("dev").password("do-test-password").environment(Map.of())
                .stateStore(scope -> worker.store(prefix).build()).lockTimeout(Duration.ZERO); // fail at once, no wait
    }

    /**
     * Each stage lives in a Durable Object of its own, so the app's scope shows no stages: the
     * destroy must still list the stage and delete every record (nested ones too).
     */
    @ParameterizedTest(name = "{0} worker")
    @ValueSource(strings = {"our", "Alchemy's"})
    void aDeployIsSkippedWhenRerunAndDestroyedWhole(String which) {
        LocalWorker w = which.equals("our") ? worker : alchemys;
        String prefix = "cycle";
        List<Action> actions = new ArrayList<>();
        java.util.function.Function<Phase, Stage> app = phase -> Alchemy.app("app").stage("dev")
                .password("do-test-password").environment(Map.of()).phase(phase)
                .stateStore(scope -> w.store(prefix).build()).listener(o -> actions.add(o.action()));
        for (int round = 0; round < 2; round++) {
            actions.clear();
            app.apply(Phase.UP).run(a -> {
                for (int i = 0; i < 5; i++) {
                    a.apply("r" + i, new Echo(), new Props("r" + i));
                }
                a.scope("nested", s -> s.apply("leaf", new Echo(), new Props("leaf")));
            });
            Action expected = round == 0 ? Action.CREATED : Action.SKIPPED;
            assertEquals(List.of(expected), actions.stream().distinct().toList());
            assertEquals(6, actions.size());
        }
        actions.clear();
        app.apply(Phase.DESTROY).provider(new Echo()).run(a -> { });
        assertEquals(7, actions.stream().filter(a -> a == Action.DELETED).count(), "every record, the nested scope's too: " + actions);
        try (DurableObjectStateStore s = w.store(prefix).build()) {
            assertEquals(List.of(), s.list(List.of("app", "dev")), "nothing left");
        }
    }

    /**
     * Both runs try to open at once; the one that takes the lease holds it until the other has
     * tried (a latch, not a sleep), so exactly one runs and the other is refused naming the holder.
     */
    @Test
    void ofTwoConcurrentRunsExactlyOneHoldsTheLeaseAndTheOtherIsToldWho() throws Exception {
        String prefix = "lease";
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch bothTried = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> runs = new ArrayList<>();
        try {
            for (String who : List.of("a", "b")) {
                runs.add(pool.submit(() -> {
                    go.await();
                    Alchemy run;
                    try {
                        run = app(prefix).open();
                    } finally {
                        bothTried.countDown();
                    }
                    try (run) {
                        assertTrue(bothTried.await(60, TimeUnit.SECONDS));
                        run.apply("by-" + who, new Echo(), new Props(who));
                    }
                    return who;
                }));
            }
            go.countDown();
            List<String> won = new ArrayList<>();
            List<StageLockedException> refused = new ArrayList<>();
            for (Future<String> f : runs) {
                try {
                    won.add(f.get(120, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(assertInstanceOf(StageLockedException.class, e.getCause(), "the loser's failure"));
                }
            }
            assertEquals(1, won.size(), "exactly one run holds the lease: " + won + " " + refused);
            assertEquals(1, refused.size());
            String message = refused.get(0).getMessage();
            assertTrue(message.contains("app/dev") && message.contains("pid " + ProcessHandle.current().pid()),
                    "the refusal names the stage and the holder: " + message);
            assertFalse(message.contains(worker.token()), "the token never shows");
            try (History h = app(prefix).history()) {
                assertEquals(1, h.runs().size(), "one run wrote");
                assertEquals(1, h.state().size(), "only the winner's resource");
                assertEquals("by-" + won.get(0), h.state().keySet().iterator().next().id());
                assertTrue(h.lockHolder().isEmpty(), "and the lease was released");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
