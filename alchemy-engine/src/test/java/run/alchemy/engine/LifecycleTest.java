package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Operation;
import run.alchemy.api.Phase;
import run.alchemy.api.ProviderException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode json(Runs runs, String relative) throws Exception {
        return JSON.readTree(runs.read(relative));
    }

    /**
     * Snapshots are projected a few milliseconds after a write (group commit); wait for one mid-run,
     * up to 30 s, so that a loaded machine does not fail it.
     */
    private JsonNode awaitJson(Runs runs, String relative) throws Exception {
        for (int i = 0; i < 6_000 && !Files.exists(runs.file(relative)); i++) {
            Thread.sleep(5);
        }
        return json(runs, relative);
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void createThenSkipThenUpdateThenDeleteOrphan() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            Thing.Output a = app.apply("a", thing, new Thing.Props("A", 1, null));
            app.apply("b", thing, new Thing.Props("B"));
            assertEquals("A", a.name());
        }
        assertEquals(List.of("[created] app/dev/a", "[created] app/dev/b"), runs.actions());
        Map<String, String> afterCreate = runs.snapshot();

        try (Alchemy app = runs.up()) {
            Thing.Output a = app.apply("a", thing, new Thing.Props("A", 1, null));
            app.apply("b", thing, new Thing.Props("B"));
            assertEquals(1, a.size(), "a skipped resource returns its stored output");
        }
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/b"), runs.actions());
        assertEquals(afterCreate, runs.snapshot(), "a no-op run writes nothing");

        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("A", 2, null));
            app.apply("b", thing, new Thing.Props("B"));
        }
        assertEquals(List.of("[updated] app/dev/a", "[skipped] app/dev/b"), runs.actions());
        assertEquals("updated", json(runs, "app/dev/a.json").get("status").asText());

        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("A", 2, null));
        }
        assertEquals(List.of("[skipped] app/dev/a", "[deleted] app/dev/b"), runs.actions());
        assertFalse(Files.exists(runs.file("app/dev/b.json")));
        assertEquals(List.of("create app/dev/a", "create app/dev/b", "update app/dev/a", "delete app/dev/b"),
                thing.briefs());
    }

    @Test
    void recordsHaveAlchemysFieldsAndKeyOrder() throws Exception {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("x", new Thing(), new Thing.Props("X", 3, null));
        }
        JsonNode r = json(runs, "app/dev/x.json");
        assertEquals(List.of("kind", "id", "fqn", "seq", "data", "status", "output", "props"), keys(r));
        assertEquals("test::Thing", r.get("kind").asText());
        assertEquals("app/dev/x", r.get("fqn").asText());
        assertEquals("created", r.get("status").asText());
        assertEquals(List.of("Symbol(alchemy::ResourceKind)", "Symbol(alchemy::ResourceID)",
                "Symbol(alchemy::ResourceFQN)", "Symbol(alchemy::ResourceScope)", "Symbol(alchemy::ResourceSeq)",
                "name", "size"), keys(r.get("output")));
        assertEquals("{\"name\":\"X\",\"size\":3}", r.get("props").toString());
        assertFalse(runs.read("app/dev/x.json").endsWith("\n"));
        assertTrue(runs.read("app/dev/x.json").startsWith("{\n  \"kind\": \"test::Thing\",\n"));
    }

    @Test
    void aFailedCreateStaysCreatingAndIsCreatedAgainNextRun() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("old", thing, new Thing.Props("old"));
        }
        thing.failOn.add("x");
        try (Alchemy app = runs.up()) {
            ProviderException e = assertThrows(ProviderException.class,
                    () -> app.apply("x", thing, new Thing.Props("X")));
            assertEquals(Operation.CREATE, e.operation());
            assertTrue(e.getMessage().contains("app/dev/x"), e.getMessage());
        }
        JsonNode stuck = json(runs, "app/dev/x.json");
        assertEquals("creating", stuck.get("status").asText());
        assertEquals(List.of("kind", "id", "fqn", "seq", "status", "data", "output", "props", "oldProps"), keys(stuck));
        assertEquals("{}", stuck.get("oldProps").toString());
        assertTrue(Files.exists(runs.file("app/dev/old.json")), "a failed scope does not delete orphans");

        thing.failOn.clear();
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("x", thing, new Thing.Props("X"));
        }
        assertEquals(List.of("create app/dev/x", "delete app/dev/old"), thing.briefs());
        JsonNode fixed = json(runs, "app/dev/x.json");
        assertEquals("created", fixed.get("status").asText());
        assertFalse(fixed.has("oldProps"));
    }

    @Test
    void aFailedUpdateStaysUpdatingAndIsUpdatedAgainEvenWithEqualProps() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("x", thing, new Thing.Props("v1"));
        }
        thing.failOn.add("x");
        try (Alchemy app = runs.up()) {
            assertThrows(ProviderException.class, () -> app.apply("x", thing, new Thing.Props("v2")));
        }
        JsonNode stuck = json(runs, "app/dev/x.json");
        assertEquals("updating", stuck.get("status").asText());
        assertEquals("v2", stuck.get("props").get("name").asText());
        assertEquals("v1", stuck.get("oldProps").get("name").asText());

        thing.failOn.clear();
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("x", thing, new Thing.Props("v2"));
        }
        assertEquals(List.of("update app/dev/x"), thing.briefs());
        assertEquals("updated", json(runs, "app/dev/x.json").get("status").asText());
    }

    @Test
    void replaceQueuesTheOldCopyAndDeletesItAtFinalize() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("svc", thing, new Thing.Props("gen1"));
        }
        thing.replaceOn.put("svc", false);
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("svc", thing, new Thing.Props("gen2"));
            JsonNode stage = awaitJson(runs, "app/dev.json");
            JsonNode pending = stage.get("data").get("pendingDeletions");
            assertEquals(1, pending.size(), "queued in the stage record before finalize");
            assertEquals("gen1", pending.get(0).get("resource").get("name").asText());
            assertEquals("gen1", pending.get(0).get("oldProps").get("name").asText());
            assertEquals(List.of("kind", "id", "fqn", "seq", "status", "data", "output", "props"), keys(stage));
        }
        assertEquals(List.of("update app/dev/svc", "create app/dev/svc (replacement)", "delete app/dev/svc"),
                thing.briefs());
        assertEquals("gen1", thing.calls.get(2).props().name(), "the old copy is deleted with its old props");
        assertEquals("[]", json(runs, "app/dev.json").get("data").get("pendingDeletions").toString());
        assertEquals(List.of("[replaced] app/dev/svc"), runs.actions());
        assertEquals("updated", json(runs, "app/dev/svc.json").get("status").asText());
    }

    @Test
    void aChildReplacedWhileItsParentUpdatesIsQueuedInTheParentsRecordAndDeleted() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.bodies.put("parent", (ctx, p) -> ctx.scope().apply("kid", thing, new Thing.Props("kid-" + p.name())));
        try (Alchemy app = runs.up()) {
            app.apply("parent", thing, new Thing.Props("gen1"));
        }
        thing.replaceOn.put("kid", false);
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("parent", thing, new Thing.Props("gen2"));
        }
        // the parent's record was written before its provider ran and changed by the kid's
        // replacement since: only if its settled write kept what was queued is the old kid deleted
        assertEquals(List.of("update app/dev/parent", "update app/dev/parent/kid",
                "create app/dev/parent/kid (replacement)", "delete app/dev/parent/kid"), thing.briefs());
        assertEquals("kid-gen1", thing.calls.get(3).props().name(), "the old copy is deleted with its old props");
        JsonNode parent = json(runs, "app/dev/parent.json");
        assertEquals("[]", parent.get("data").get("pendingDeletions").toString());
        assertEquals("updated", parent.get("status").asText());
    }

    @Test
    void forcedReplaceDeletesTheOldCopyFirst() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("svc", thing, new Thing.Props("gen1"));
        }
        thing.replaceOn.put("svc", true);
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("svc", thing, new Thing.Props("gen2"));
        }
        assertEquals(List.of("update app/dev/svc", "delete app/dev/svc", "create app/dev/svc (replacement)"),
                thing.briefs());
        assertFalse(Files.exists(runs.file("app/dev.json")), "nothing queued, so no stage record");
    }

    @Test
    void replaceDuringCreateIsAnError() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.bodies.put("x", (ctx, p) -> ctx.replace());
        try (Alchemy app = runs.up()) {
            ProviderException e = assertThrows(ProviderException.class, () -> app.apply("x", thing, new Thing.Props("x")));
            assertTrue(e.getCause() instanceof IllegalStateException && e.getMessage().contains("only allowed during update"),
                    e.getMessage());
        }
    }

    @Test
    void namedScopesAreStoredInTheirDirectoryAndDeletedWhenNoLongerDeclared() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.scope("child", s -> s.scope("inner", t -> t.apply("leaf", thing, new Thing.Props("leaf"))));
        }
        JsonNode scope = json(runs, "app/dev/child.json");
        assertEquals(List.of("kind", "id", "seq", "data", "fqn", "props", "status", "output"), keys(scope));
        assertEquals("alchemy::Scope", scope.get("kind").asText());
        assertEquals("", scope.get("fqn").asText());
        assertEquals("app/dev/child/inner/leaf", json(runs, "app/dev/child/inner/leaf.json").get("fqn").asText());

        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("other", thing, new Thing.Props("o"));
        }
        assertEquals(List.of("create app/dev/other", "delete app/dev/child/inner/leaf"), thing.briefs());
        assertFalse(Files.exists(runs.file("app/dev/child.json")));
        assertFalse(Files.exists(runs.file("app/dev/child")), "the emptied scope directory is removed");
    }

    @Test
    void childResourcesLiveInTheParentsDirectoryAndFollowIt() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.bodies.put("parent", (ctx, p) -> {
            ctx.scope().apply("kid-1", thing, new Thing.Props("k1"));
            if (p.size() == null) {
                ctx.scope().apply("kid-2", thing, new Thing.Props("k2"));
            }
        });
        try (Alchemy app = runs.up()) {
            app.apply("parent", thing, new Thing.Props("p"));
        }
        assertTrue(Files.exists(runs.file("app/dev/parent/kid-1.json")));
        assertTrue(Files.exists(runs.file("app/dev/parent/kid-2.json")));

        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("parent", thing, new Thing.Props("p"));
        }
        assertEquals(List.of(), thing.briefs(), "a skipped parent leaves its children alone");

        try (Alchemy app = runs.up()) {
            app.apply("parent", thing, new Thing.Props("p", 1, null));
        }
        assertEquals(List.of("update app/dev/parent", "delete app/dev/parent/kid-2"), thing.briefs(),
                "kid-1 is unchanged (skipped); kid-2 is no longer declared");
        assertFalse(Files.exists(runs.file("app/dev/parent/kid-2.json")));
    }

    @Test
    void destroyPhaseDeletesInReverseOrderParentsBeforeChildrenAndRemovesTheStage() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.bodies.put("owner", (ctx, p) -> {
            ctx.scope().apply("kid-1", thing, new Thing.Props("k1"));
            ctx.scope().apply("kid-2", thing, new Thing.Props("k2"));
        });
        try (Alchemy app = runs.up()) {
            app.apply("first", thing, new Thing.Props("f"));
            app.apply("owner", thing, new Thing.Props("o"));
            app.scope("scoped", s -> s.apply("inside", thing, new Thing.Props("i")));
            app.apply("last", thing, new Thing.Props("l"));
        }
        thing.calls.clear();
        try (Alchemy app = runs.builder("dev", Phase.DESTROY).provider(thing).open()) {
            assertThrows(IllegalStateException.class, () -> app.apply("first", thing, new Thing.Props("f")));
        }
        assertEquals(List.of("delete app/dev/last", "delete app/dev/scoped/inside", "delete app/dev/owner",
                "delete app/dev/owner/kid-2", "delete app/dev/owner/kid-1", "delete app/dev/first"), thing.briefs());
        assertEquals(Map.of(), runs.snapshot());
        assertTrue(Files.isDirectory(runs.file("app")));
        assertFalse(Files.exists(runs.file("app/dev")));
    }

    @Test
    void readPhaseReturnsStoredOutputsWritesNothingAndFailsOnMissingState() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("x", thing, new Thing.Props("X", 7, null));
        }
        Map<String, String> before = runs.snapshot();
        thing.calls.clear();
        try (Alchemy app = runs.builder("dev", Phase.READ).open()) {
            assertEquals(7, app.apply("x", thing, new Thing.Props("changed")).size());
            StateNotFoundException e = assertThrows(StateNotFoundException.class,
                    () -> app.apply("missing", thing, new Thing.Props("m")));
            assertTrue(e.getMessage().contains("app/dev/missing"), e.getMessage());
        }
        assertEquals(List.of(), thing.briefs());
        assertEquals(before, runs.snapshot());
    }

    @Test
    void forceAndAlwaysUpdateUpdateUnchangedResources() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"), ApplyOptions.ALWAYS_UPDATE);
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of("[updated] app/dev/a", "[skipped] app/dev/b"), runs.actions());
        try (Alchemy app = runs.builder("dev", Phase.UP).force(true).open()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of("[updated] app/dev/a", "[updated] app/dev/b"), runs.actions());
    }

    @Test
    void finalizingOneStageNeverTouchesAnotherStage() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.replaceOn.put("svc", false);
        for (String stage : List.of("dev", "prod")) {
            try (Alchemy app = runs.builder(stage, Phase.UP).open()) {
                app.apply("svc", thing, new Thing.Props("v1"));
            }
            try (Alchemy app = runs.builder(stage, Phase.UP).open()) {
                app.apply("svc", thing, new Thing.Props("v2")); // replace: creates the stage record
            }
        }
        String prodRecord = runs.read("app/prod.json");
        try (Alchemy app = runs.builder("dev", Phase.UP).open()) {
            app.apply("svc", thing, new Thing.Props("v2"));
        }
        assertEquals(prodRecord, runs.read("app/prod.json"), "Alchemy 0.94 would destroy the prod stage here");
        assertTrue(Files.exists(runs.file("app/prod/svc.json")));
    }

    @Test
    void applyAsyncRunsConcurrentlyWithinTheBoundAndNothingIsLost() {
        Runs runs = new Runs(dir);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Thing thing = new Thing();
        for (int i = 0; i < 24; i++) {
            thing.bodies.put("r" + i, (ctx, p) -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
            });
        }
        try (Alchemy app = runs.builder("dev", Phase.UP).concurrency(3).open()) {
            List<CompletableFuture<Thing.Output>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                all.add(app.applyAsync("r" + i, thing, new Thing.Props("n" + i)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertEquals("n5", all.get(5).join().name());
        }
        assertTrue(peak.get() > 1 && peak.get() <= 3, "peak concurrency " + peak.get());
        assertEquals(24, runs.snapshot().size());
        try (Alchemy app = runs.up()) {
            for (int i = 0; i < 24; i++) {
                app.applyAsync("r" + i, thing, new Thing.Props("n" + i));
            }
        }
        assertEquals(24, runs.outcomes.stream().filter(o -> o.action() == Action.SKIPPED).count());
    }

    @Test
    void aFailedAsyncApplyFailsCloseAndKeepsOrphans() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("keep", thing, new Thing.Props("k"));
        }
        thing.failOn.add("bad");
        Alchemy app = runs.up();
        app.applyAsync("bad", thing, new Thing.Props("b"));
        AlchemyException e = assertThrows(AlchemyException.class, app::close);
        assertTrue(e.getMessage().contains("1 resource(s) failed"), e.getMessage());
        assertTrue(Files.exists(runs.file("app/dev/keep.json")));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code thread} is parked in the engine's wait for the run's async applies. */
    private static boolean waitsForApplies(Thread thread) {
        if (thread.getState() != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("run.alchemy.engine.internal.Engine")
                    && frame.getMethodName().equals("awaitApplies")) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Timeout(60)
    void aFailedProgramWaitsForItsRunningAsyncAppliesBeforeTheRunEnds() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CompletableFuture<Thing.Output>> kid = new AtomicReference<>();
        thing.bodies.put("slow", (ctx, p) -> {
            started.countDown();
            await(release);
            kid.set(ctx.scope().applyAsync("kid", thing, new Thing.Props("k")));
        });
        thing.failOn.add("bad");
        // The slow create is held open until the run could have ended without it: until run has
        // returned (where it did not wait), or until it waits for the applies.
        Thread program = Thread.currentThread();
        AtomicBoolean returned = new AtomicBoolean();
        Thread releaser = new Thread(() -> {
            while (!returned.get() && !waitsForApplies(program)) {
                LockSupport.parkNanos(1_000_000);
            }
            release.countDown();
        }, "releaser");
        releaser.start();
        AtomicReference<CompletableFuture<Thing.Output>> slow = new AtomicReference<>();
        IllegalStateException e;
        try {
            e = assertThrows(IllegalStateException.class, () -> runs.builder("dev", Phase.UP).concurrency(2).run(app -> {
                slow.set(app.applyAsync("slow", thing, new Thing.Props("s")));
                app.applyAsync("bad", thing, new Thing.Props("b")).handle((o, t) -> o).join();
                await(started);
                throw new IllegalStateException("program bug while 'slow' is being created");
            }));
        } finally {
            returned.set(true);
            releaser.join();
        }
        slow.get().handle((o, t) -> o).join(); // the old code ended the run without waiting for it

        assertEquals("s", slow.get().join().name(), "the running apply completed");
        assertEquals("created", json(runs, "app/dev/slow.json").get("status").asText(),
                "its resource has a record");
        assertEquals(1, e.getSuppressed().length, "the failed async apply is added to the program's failure");
        assertInstanceOf(ProviderException.class, e.getSuppressed()[0]);
        CompletionException skipped = assertThrows(CompletionException.class, () -> kid.get().join());
        assertInstanceOf(CancellationException.class, skipped.getCause(), "an apply not started by then is skipped");
        assertFalse(Files.exists(runs.file("app/dev/slow/kid.json")));
        assertEquals(List.of("create app/dev/bad", "create app/dev/slow"), thing.briefs().stream().sorted().toList());
        try (History h = runs.builder("dev", Phase.UP).history()) {
            List<Event> events = h.events();
            assertInstanceOf(RunFinished.class, events.get(events.size() - 1), "nothing follows the run's end");
            assertFalse(((RunFinished) events.get(events.size() - 1)).succeeded());
            assertTrue(events.stream().anyMatch(ev -> ev instanceof ResourceEvent c && c.type() == ResourceEvent.Type.CREATED && c.id().equals("slow")));
        }
        thing.failOn.clear();
        runs.builder("dev", Phase.UP).run(app -> app.apply("slow", thing, new Thing.Props("s")));
        assertEquals(List.of("[skipped] app/dev/slow", "[deleted] app/dev/bad"), runs.actions(),
                "the lock was released, and the record kept");
    }

    @Test
    void aFailureOfTheRunIsNotReplacedByAFailingClose() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.failOn.add("bad");
        StateStore closeFails = new ForwardingStore(new FileSystemStateStore(runs.root)) {
            @Override
            public void close() {
                throw new IllegalStateException("close failed");
            }
        };
        Alchemy app = runs.builder("dev", Phase.UP).stateStore(closeFails).open();
        app.applyAsync("bad", thing, new Thing.Props("b"));
        AlchemyException finish = assertThrows(AlchemyException.class, app::close);
        assertTrue(finish.getMessage().contains("1 resource(s) failed"), finish.getMessage());
        assertEquals(List.of("close failed"), Arrays.stream(finish.getSuppressed()).map(Throwable::getMessage).toList());

        IllegalArgumentException program = assertThrows(IllegalArgumentException.class,
                () -> runs.builder("dev", Phase.UP).stateStore(closeFails).run(a -> {
                    throw new IllegalArgumentException("program bug");
                }));
        assertEquals(List.of("close failed"), Arrays.stream(program.getSuppressed()).map(Throwable::getMessage).toList());
    }

    @Test
    void sameIdWithAnotherKindIsRefused() {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("x", new Thing(), new Thing.Props("x"));
            assertThrows(ConfigurationException.class, () -> app.apply("x", new Thing("test::Other"), new Thing.Props("x")));
        }
    }

    @Test
    void propsAbsentAreStoredWithoutAPropsKeyAndCompareEqual() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("bare", thing, null);
        }
        assertFalse(json(runs, "app/dev/bare.json").has("props"));
        try (Alchemy app = runs.up()) {
            app.apply("bare", thing, null);
        }
        assertEquals(List.of("[skipped] app/dev/bare"), runs.actions());
        try (Alchemy app = runs.up()) {
            app.apply("bare", thing, new Thing.Props(null));
        }
        assertEquals(List.of("[updated] app/dev/bare"), runs.actions(), "{} is not the same as no props");
    }

    @Test
    void stageDefaultsComeFromTheEnvironmentAsInAlchemy() {
        Path root = dir.resolve(".alchemy");
        try (Alchemy app = Alchemy.app("app").environment(Map.of("ALCHEMY_STAGE", "qa", "USER", "me"))
                .stateStore("fs:" + root).open()) {
            assertEquals("qa", app.stage());
        }
        try (Alchemy app = Alchemy.app("app").environment(Map.of("USER", "me")).stateStore("fs:" + root).open()) {
            assertEquals("me", app.stage());
        }
        try (Alchemy app = Alchemy.app("app").environment(Map.of()).stateStore("fs:" + root).open()) {
            assertEquals(List.of("app", "dev"), app.chain());
        }
        assertEquals("qa", Alchemy.defaultStage(Map.of("STAGE", "", "ALCHEMY_STAGE", "qa", "USER", "me")));
        assertEquals("win", Alchemy.defaultStage(Map.of("USERNAME", "win")));
        assertEquals("dev", Alchemy.defaultStage(Map.of("USER", "")));
    }

    @Test
    void aStoreFactorySeesTheStageLikeAlchemysStateStoreOption() {
        Path root = dir.resolve("custom");
        List<List<String>> seen = new ArrayList<>();
        try (Alchemy app = Alchemy.app("app").stage("dev").environment(Map.of())
                .stateStore(scope -> {
                    seen.add(scope.chain());
                    return new run.alchemy.store.fs.FileSystemStateStore(root);
                }).open()) {
            app.apply("x", new Thing(), new Thing.Props("x"));
        }
        assertEquals(List.of(List.of("app", "dev")), seen);
        assertTrue(Files.exists(root.resolve("app/dev/x.json")));
    }

    @Test
    void anUnknownStoreSchemeNamesTheInstalledOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Alchemy.app("app").stage("dev").stateStore("nope:x").open());
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("fs"), e.getMessage());
    }

    @Test
    void runFinalizesOnlyWhenTheProgramReturnsNormally() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        runs.builder("dev", Phase.UP).run(app -> {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        });
        assertThrows(IllegalArgumentException.class, () -> runs.builder("dev", Phase.UP).run(app -> {
            app.apply("a", thing, new Thing.Props("a"));
            throw new IllegalArgumentException("program bug before 'b' is declared");
        }));
        assertTrue(Files.exists(runs.file("app/dev/b.json")), "an aborted program deletes nothing");
        runs.builder("dev", Phase.UP).run(app -> app.apply("a", thing, new Thing.Props("a")));
        assertFalse(Files.exists(runs.file("app/dev/b.json")), "a finished program deletes orphans");
    }
}
