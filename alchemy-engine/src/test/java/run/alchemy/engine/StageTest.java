package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Stage} is immutable: every option returns a copy, and one stage can be opened many times and by many threads. */
class StageTest {
    private static final String PASSWORD = "stage-test-password";

    @TempDir
    Path dir;

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final Thing thing = new Thing();

    /** The app "x" on a file-system store by URI (a store for each use), its default stage "dev". */
    private Stage base() {
        return Alchemy.app("x").environment(Map.of()).password(PASSWORD).stateStore("fs:" + dir.resolve(".alchemy"))
                .listener(outcomes::add);
    }

    private List<String> actions() {
        return outcomes.stream().map(o -> o.action().tag() + " " + o.fqn()).toList();
    }

    private boolean recorded(String stage, String id) {
        return Files.isRegularFile(dir.resolve(".alchemy/x").resolve(stage).resolve(id + ".json"));
    }

    @Test
    void aDerivedStageLeavesTheOriginalUnchanged() {
        Stage a = base();
        Stage b = a.stage("other");
        assertNotSame(a, b);
        a.run(app -> {
            assertEquals("dev", app.stage());
            app.apply("in-a", thing, new Thing.Props("A"));
        });
        b.run(app -> {
            assertEquals("other", app.stage());
            app.apply("in-b", thing, new Thing.Props("B"));
        });
        assertTrue(recorded("dev", "in-a"));
        assertTrue(recorded("other", "in-b"));
        assertFalse(recorded("dev", "in-b"));
        assertFalse(recorded("other", "in-a"));
        // a again: still on dev, where in-a is skipped (and in-b of the other stage is not deleted)
        outcomes.clear();
        a.run(app -> app.apply("in-a", thing, new Thing.Props("A")));
        assertEquals(List.of("[skipped] x/dev/in-a"), actions());
        assertTrue(recorded("other", "in-b"));
    }

    @Test
    void aCallWhoseResultIsDroppedChangesNothing() {
        Stage a = base().stage("dev").program("original");
        a.run(app -> app.apply("r", thing, new Thing.Props("R")));
        // Each of these makes a copy that is dropped; had one changed a, the runs below would show it.
        List<Stage> dropped = List.of(a.stage("other"), a.phase(Phase.DESTROY), a.password("another-password"),
                a.force(true), a.eraseSecrets(true), a.concurrency(1), a.stateStore("fs:" + dir.resolve("elsewhere")),
                a.stateStore(new FileSystemStateStore(dir.resolve("elsewhere"))), a.stateStore(scope -> {
                    throw new AssertionError("the factory of a copy was used");
                }), a.provider(new Thing("test::Other")), a.listener(o -> {
                    throw new AssertionError("the listener of a copy was told " + o);
                }), a.lockTimeout(Duration.ofSeconds(9)), a.lease(Duration.ofSeconds(9)), a.program("copy"),
                a.environment(Map.of("STAGE", "from-env", "ALCHEMY_PASSWORD", "wrong")));
        dropped.forEach(copy -> assertNotSame(a, copy));
        outcomes.clear();
        try (Alchemy app = a.open()) {
            assertEquals(List.of("x", "dev"), app.chain());
            assertEquals(Phase.UP, app.phase());
            app.apply("r", thing, new Thing.Props("R"));
            app.apply("s", thing, new Thing.Props("S"));
        }
        // r not forced, so skipped; told to a's own listener; in a's store, under a's program name
        assertEquals(List.of("[skipped] x/dev/r", "[created] x/dev/s"), actions());
        assertEquals(List.of("create x/dev/r", "create x/dev/s"), thing.briefs());
        assertTrue(recorded("dev", "s"));
        assertFalse(Files.exists(dir.resolve("elsewhere")));
        assertFalse(Files.exists(dir.resolve(".alchemy/x/other")));
        try (History history = a.history()) {
            assertEquals(List.of("original", "original"), history.runs().stream().map(Run::program).toList());
        }
    }

    @Test
    void providersAreCopiedNotShared() {
        Stage a = base().stage("dev");
        a.run(app -> app.apply("r", thing, new Thing.Props("R")));
        Stage withOther = a.provider(new Thing("test::Other"));
        Stage withBoth = withOther.provider(thing);
        // r is no longer declared: deleting it needs its provider, which only withBoth has
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> a.run(app -> { }));
        assertTrue(e.getMessage().contains("no provider for kind \"test::Thing\""), e.getMessage());
        assertThrows(ConfigurationException.class, () -> withOther.run(app -> { }));
        outcomes.clear();
        withBoth.run(app -> { });
        assertEquals(List.of("[deleted] x/dev/r"), actions());
    }

    @Test
    void oneStageOpenedTwiceGivesTwoIndependentRuns() {
        Stage s = base().stage("dev");
        Alchemy first = s.open();
        first.apply("a", thing, new Thing.Props("A"));
        first.close();
        Alchemy second = s.open();
        assertNotSame(first, second);
        second.apply("a", thing, new Thing.Props("A"));
        second.apply("b", thing, new Thing.Props("B"));
        second.close();
        assertEquals(List.of("[created] x/dev/a", "[skipped] x/dev/a", "[created] x/dev/b"), actions());
        assertEquals(List.of("create x/dev/a", "create x/dev/b"), thing.briefs());
        // and a third, by run: declares only b, so the second run's a is deleted
        outcomes.clear();
        s.provider(thing).run(app -> app.apply("b", thing, new Thing.Props("B")));
        assertEquals(List.of("[skipped] x/dev/b", "[deleted] x/dev/a"), actions());
        try (History history = s.history()) {
            assertEquals(3, history.runs().size());
        }
    }

    @Test
    @Timeout(60)
    void oneStageSharedByTwoThreadsOpeningDerivedStagesAtOnce() throws Exception {
        Stage shared = base();
        CyclicBarrier derived = new CyclicBarrier(2);
        CyclicBarrier bothOpen = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> runs = List.of("one", "two").stream().map(name -> pool.submit(() -> {
                Stage mine = shared.stage("t-" + name).concurrency(2);
                derived.await(20, TimeUnit.SECONDS); // both copies made before either is opened
                String[] ranOn = new String[1];
                mine.run(app -> {
                    try {
                        bothOpen.await(20, TimeUnit.SECONDS); // both runs open at the same time
                    } catch (Exception e) {
                        throw new AssertionError("the other run did not open", e);
                    }
                    ranOn[0] = app.stage();
                    app.apply("r-" + name, thing, new Thing.Props(name));
                });
                return ranOn[0];
            })).toList();
            assertEquals("t-one", runs.get(0).get(30, TimeUnit.SECONDS));
            assertEquals("t-two", runs.get(1).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertTrue(recorded("t-one", "r-one"));
        assertTrue(recorded("t-two", "r-two"));
        assertFalse(recorded("t-one", "r-two"));
        assertFalse(recorded("t-two", "r-one"));
        assertFalse(Files.exists(dir.resolve(".alchemy/x/dev")), "the shared stage itself was never opened");
    }

    @Test
    void toStringNamesAppStagePhaseAndStoreButNoPasswordOrCredential() {
        Stage s = Alchemy.app("x").stage("dev").phase(Phase.DESTROY).password("hunter2-password")
                .environment(Map.of("ALCHEMY_PASSWORD", "env-password", "AWS_SECRET_ACCESS_KEY", "env-secret"))
                .stateStore("s3://someone:uri-password@my-bucket/teams/web/?region=eu-west-1&token=uri-token"
                        + "&secretKey=uri-secret&token-env=MY_TOKEN#uri-fragment");
        String text = s.toString();
        assertEquals("Stage[app=x, stage=dev, phase=DESTROY, store=s3://…@my-bucket/teams/web/?region=eu-west-1"
                + "&token=…&secretKey=…&token-env=MY_TOKEN]", text);
        for (String secret : List.of("hunter2", "env-password", "env-secret", "uri-password", "someone", "uri-token",
                "uri-secret", "uri-fragment")) {
            assertFalse(text.contains(secret), secret + " in " + text);
        }
        assertEquals("Stage[app=x, phase=UP, store=fs:.alchemy (default)]", Alchemy.app("x").toString());
        assertEquals("Stage[app=x, stage=dev, phase=UP, store=fs:/tmp/state]",
                Alchemy.app("x").password("p").stateStore("fs:/tmp/state").stage("dev").toString());
        assertEquals("Stage[app=x, phase=UP, store=a factory]",
                Alchemy.app("x").stateStore(scope -> new FileSystemStateStore(dir)).toString());
        assertEquals("Stage[app=x, phase=UP, store=an instance of " + FileSystemStateStore.class.getName() + "]",
                Alchemy.app("x").stateStore(new FileSystemStateStore(dir)).toString());
        assertEquals("fs:… (an invalid URI)", StateStores.describe("fs:/a dir/with:password?x"));
        assertEquals("mem:unit?…&key=…", StateStores.describe("mem:unit?raw-secret&key=k1"));
    }

    @Test
    void theOptionsAreCheckedAsBefore() {
        Stage s = base();
        assertThrows(ConfigurationException.class, () -> s.concurrency(0));
        assertThrows(ConfigurationException.class, () -> s.lease(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> s.phase(null));
        assertThrows(NullPointerException.class, () -> s.listener(null));
        assertThrows(NullPointerException.class, () -> s.provider(null));
        assertThrows(NullPointerException.class, () -> s.stateStore((String) null));
        assertThrows(NullPointerException.class, () -> Alchemy.app(null));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> s.eraseSecrets(true).open());
        assertTrue(e.getMessage().contains("eraseSecrets needs force(true)"), e.getMessage());
    }
}
