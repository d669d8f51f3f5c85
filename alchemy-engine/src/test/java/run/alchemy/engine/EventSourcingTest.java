package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSourcingTest {
    @TempDir
    Path dir;

    private History history(Runs runs) {
        return runs.builder("dev", Phase.UP).history();
    }

    /** Each event's class, and a resource event's type: {@code RunStarted}, {@code DECLARED}, … */
    private static List<String> types(List<? extends Event> events) {
        return events.stream().map(e -> e instanceof ResourceEvent r ? r.type().name() : e.getClass().getSimpleName())
                .toList();
    }

    private static boolean is(Event e, Type type) {
        return e instanceof ResourceEvent r && r.type() == type;
    }

    /** The stage's snapshots as stored, by address. */
    private static Map<Address, String> snapshots(Runs runs, History h) {
        Map<Address, String> out = new TreeMap<>();
        h.state().keySet().forEach(a -> { });
        FileSystemStateStore store = new FileSystemStateStore(runs.root);
        walk(store, List.of("app", "dev"), out);
        store.get(List.of("app"), "dev").ifPresent(b -> out.put(new Address(List.of("app"), "dev"),
                new String(b, StandardCharsets.UTF_8)));
        return out;
    }

    private static void walk(FileSystemStateStore store, List<String> chain, Map<Address, String> out) {
        for (String id : store.list(chain)) {
            out.put(new Address(chain, id), new String(store.get(chain, id).orElseThrow(), StandardCharsets.UTF_8));
        }
        for (String child : store.listScopes(chain)) {
            List<String> c = new ArrayList<>(chain);
            c.add(child);
            walk(store, c, out);
        }
    }

    @Test
    void everyChangeIsAnEventAndANoOpRunAppendsNothing() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        try (History h = history(runs)) {
            assertEquals(List.of("RunStarted", "DECLARED", "CREATING", "CREATED", "RunFinished"), types(h.events()));
            ResourceEvent created = (ResourceEvent) h.events().get(3);
            assertEquals(runs.read("app/dev/a.json"), created.snapshot(), "events carry the projected bytes");
            RunFinished finished = (RunFinished) h.events().get(4);
            assertTrue(finished.succeeded());
            assertEquals(1, finished.created());
            assertTrue(((RunStarted) h.events().get(0)).actor().contains("@"));
        }
        Path segment = runs.root.resolve(".alchemy-java/app/dev/log/00000000000000000001.seg");
        byte[] before = Files.readAllBytes(segment);
        long head;
        try (History h = history(runs)) {
            head = h.head();
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        try (History h = history(runs)) {
            assertEquals(head, h.head(), "a no-op redeploy appends no event, not even run events");
        }
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(segment));

        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a2"));
        }
        try (Alchemy app = runs.up()) {
            app.apply("b", thing, new Thing.Props("b"));
        }
        try (History h = history(runs)) {
            List<ResourceEvent> ofA = h.of(new Address(List.of("app", "dev"), "a"));
            assertEquals(List.of("DECLARED", "CREATING", "CREATED", "UPDATING", "UPDATED", "DELETED"), types(ofA));
            assertEquals(3, h.runs().size());
            Run last = h.runs().get(2);
            assertEquals(1, last.created());
            assertEquals(1, last.deleted());
            assertEquals(Run.Result.SUCCEEDED, last.result());
            assertTrue(h.verify().ok(), h.verify().toString());
            assertEquals(h.state(), snapshots(runs, h));
        }
    }

    @Test
    void aProgramThatThrowsIsRecordedAsAFailedRun() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        assertThrows(IllegalStateException.class, () -> runs.builder("dev", Phase.UP).run(app -> {
            app.apply("a", thing, new Thing.Props("a"));
            throw new IllegalStateException("program bug");
        }));
        try (History h = history(runs)) {
            Run run = h.runs().get(0);
            assertEquals(Run.Result.FAILED, run.result());
            assertEquals(1, run.created());
            assertInstanceOf(RunFinished.class, h.events().get(h.events().size() - 1));
        }
    }

    @Test
    void replayingToAnyPositionGivesTheSnapshotsOfThatMoment() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        Random random = new Random(11);
        Map<Long, Map<Address, String>> seen = new LinkedHashMap<>();
        for (int run = 0; run < 12; run++) {
            try (Alchemy app = runs.up()) {
                for (int i = 0; i < 8; i++) {
                    if (random.nextInt(4) > 0) {
                        Secret token = random.nextBoolean() ? Secret.of("t" + random.nextInt(3)) : null;
                        app.apply("r" + i, thing, new Thing.Props("v" + random.nextInt(3), null, token));
                    }
                }
                if (random.nextBoolean()) {
                    app.scope("s", s -> s.apply("inner", thing, new Thing.Props("i" + random.nextInt(2))));
                }
            }
            try (History h = history(runs)) {
                seen.put(h.head(), snapshots(runs, h));
            }
        }
        try (History h = history(runs)) {
            assertTrue(seen.size() > 5, "most runs changed something");
            seen.forEach((position, snapshot) -> assertEquals(snapshot, h.stateAt(position), "state at " + position));
            List<Change> diff = h.diff(seen.keySet().iterator().next(), h.head());
            assertFalse(diff.isEmpty());
            for (Change c : diff) {
                if (c.secret()) {
                    assertEquals(null, c.before());
                    assertEquals(null, c.after());
                }
                assertFalse(c.toString().contains("\"t0\"") || c.toString().contains("\"t1\""), c.toString());
            }
        }
    }

    @Test
    void aCrashBetweenLogAndSnapshotIsRepairedOnOpen() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        String a = runs.read("app/dev/a.json");
        // As if the process died after the append but before projecting: snapshots lost, mark behind.
        Files.delete(runs.file("app/dev/a.json"));
        Files.writeString(runs.file("app/dev/b.json"), "{\"torn");
        Files.writeString(runs.root.resolve(".alchemy-java/app/dev/projected"), "0");
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/b"), runs.actions());
        assertEquals(a, runs.read("app/dev/a.json"));
        try (History h = history(runs)) {
            assertTrue(h.verify().ok());
            assertFalse(types(h.events()).contains("EXTERNAL_CHANGE"), "repair is not an external change");
        }
    }

    @Test
    void aSnapshotEditedByHandIsAdoptedAsAnExternalChangeNotOverwrittenSilently() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        String edited = runs.read("app/dev/a.json").replace("\"name\": \"a\"", "\"name\": \"edited\"");
        Files.writeString(runs.file("app/dev/a.json"), edited);
        try (History h = history(runs)) {
            VerifyReport report = h.verify();
            assertEquals(List.of(new Address(List.of("app", "dev"), "a")), report.different());
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        assertEquals(List.of("[updated] app/dev/a"), runs.actions(), "the edit changed the stored props");
        try (History h = history(runs)) {
            List<ResourceEvent> ofA = h.of(new Address(List.of("app", "dev"), "a"));
            ResourceEvent adopted = ofA.get(3);
            assertEquals(Type.EXTERNAL_CHANGE, adopted.type());
            assertEquals(edited, adopted.snapshot(), "the log records the edit as found");
            assertEquals(Type.UPDATING, ofA.get(4).type());
            assertTrue(h.verify().ok());
        }
    }

    @Test
    void aSnapshotDeletedByHandIsAdoptedEvenWhenTheProgramNoLongerDeclaresIt() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        Files.delete(runs.file("app/dev/b.json")); // as Alchemy deletes an orphan it destroyed
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        assertEquals(List.of("[skipped] app/dev/a"), runs.actions());
        try (History h = history(runs)) {
            assertTrue(h.verify().ok(), "the log adopted the deletion: " + h.verify());
            List<ResourceEvent> ofB = h.of(new Address(List.of("app", "dev"), "b"));
            ResourceEvent gone = ofB.get(ofB.size() - 1);
            assertEquals(Type.EXTERNAL_CHANGE, gone.type());
            assertEquals(null, gone.snapshot());
            assertFalse(h.state().containsKey(new Address(List.of("app", "dev"), "b")));
        }
    }

    @Test
    void theSnapshotIndexIsOnlyACache() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        Path index = runs.root.resolve(".alchemy-java/app/dev/index");
        assertTrue(Files.readString(index).startsWith("alchemy-java-index 3 "), "written at the end of a run");
        for (String damage : List.of("garbage", "alchemy-java-index 3 999999\n", "alchemy-java-index 9 1\n", "alchemy-java-index 2 1\n")) {
            Files.writeString(index, damage);
            String edited = runs.read("app/dev/a.json").replace("\"name\": \"a\"", "\"name\": \"x\"");
            Files.writeString(runs.file("app/dev/a.json"), edited);
            try (Alchemy app = runs.up()) {
                app.apply("a", thing, new Thing.Props("a"));
                app.apply("b", thing, new Thing.Props("b"));
            }
            assertEquals(List.of("[updated] app/dev/a", "[skipped] app/dev/b"), runs.actions(),
                    "a " + damage + " index falls back to the log, which still notices the edit");
        }
        try (History h = history(runs)) {
            assertEquals(4, h.events().stream().filter(e -> is(e, Type.EXTERNAL_CHANGE)).count(), "one adopted edit per damaged index");
            assertTrue(h.verify().ok());
        }
    }

    @Test
    void existingAlchemyStateWithoutALogIsImported() throws Exception {
        Runs runs = new Runs(dir);
        Path legacyApp = runs.root.resolve("app/dev");
        Files.createDirectories(legacyApp);
        Thing thing = new Thing();
        // State as Alchemy would leave it: written by a store without a log.
        try (Alchemy app = Alchemy.app("app").stage("dev").password(Runs.PASSWORD).environment(Map.of())
                .stateStore(new NoLogStore(new FileSystemStateStore(runs.root))).open()) {
            app.apply("old-1", thing, new Thing.Props("1"));
            app.scope("g", s -> s.apply("old-2", thing, new Thing.Props("2")));
        }
        assertFalse(Files.exists(runs.root.resolve(".alchemy-java")));
        try (Alchemy app = runs.up()) {
            app.apply("old-1", thing, new Thing.Props("1"));
            app.scope("g", s -> s.apply("old-2", thing, new Thing.Props("2")));
        }
        assertEquals(List.of("[skipped] app/dev/old-1", "[skipped] app/dev/g/old-2"), runs.actions());
        try (History h = history(runs)) {
            List<Event> events = h.events();
            assertEquals(3, events.stream().filter(e -> is(e, Type.IMPORTED)).count(), types(events).toString());
            assertTrue(h.verify().ok());
        }
    }

    @Test
    void aSecondRunOfTheStageFailsFastNamingTheHolderOrWaits() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        Alchemy first = runs.up();
        first.apply("a", thing, new Thing.Props("a"));
        StageLockedException e = assertThrows(StageLockedException.class, () -> runs.up());
        LockHolder holder = e.holder();
        assertTrue(e.getMessage().contains(holder.runId()) && e.getMessage().contains("pid " + ProcessHandle.current().pid())
                && e.getMessage().contains(holder.lockId()), e.getMessage());
        try (History h = history(runs)) {
            assertFalse(h.forceUnlock("not-the-lock-id"));
            assertEquals(holder.lockId(), h.lockHolder().orElseThrow().lockId());
        }
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            first.close();
        });
        closer.start();
        try (Alchemy second = runs.builder("dev", Phase.UP).lockTimeout(Duration.ofSeconds(20)).open()) {
            second.apply("a", thing, new Thing.Props("a"));
        }
        closer.join();
        assertEquals(List.of("[skipped] app/dev/a"), runs.actions());
    }

    /** The file of the lease generation after the newest one: writing it takes the lock as another process would. */
    private static Path nextLeaseGeneration(Runs runs) throws Exception {
        Path chain = runs.root.resolve(".alchemy-java/app/dev/lock");
        long newest = 0;
        try (java.util.stream.Stream<Path> files = Files.list(chain)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("[0-9]{20}")) {
                    newest = Math.max(newest, Long.parseLong(name));
                }
            }
        }
        return chain.resolve(String.format("%020d", newest + 1));
    }

    @Test
    void aLockOfADeadProcessIsTakenOverAndForceUnlockNeedsTheLockId() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Files.writeString(nextLeaseGeneration(runs), "alchemy-java-lease 1\nstate=held\nlockId=dead-lock\nrunId=dead-run"
                + "\nuser=ghost\nhost=" + host + "\npid=" + gone.pid() + "\nsince=" + Instant.now()
                + "\nexpires=" + Instant.now().plusSeconds(3600) + "\n");
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        assertEquals(List.of("[skipped] app/dev/a"), runs.actions(), "the dead holder was taken over");

        Files.writeString(nextLeaseGeneration(runs), "alchemy-java-lease 1\nstate=held\nlockId=live-lock\nrunId=live-run"
                + "\nuser=someone\nhost=elsewhere\npid=1\nsince=" + Instant.now() + "\nexpires=" + Instant.now().plusSeconds(3600)
                + "\n");
        assertThrows(StageLockedException.class, () -> runs.up());
        try (History h = history(runs)) {
            assertTrue(h.forceUnlock("live-lock"));
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
    }

    @Test
    void compactionFoldsTheLogIntoACheckpointWithoutTouchingSnapshots() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        for (int i = 0; i < 5; i++) {
            try (Alchemy app = runs.up()) {
                app.apply("a", thing, new Thing.Props("v" + i));
                app.apply("only-" + i, thing, new Thing.Props("x"));
            }
        }
        Map<String, String> files = runs.snapshot();
        try (History h = history(runs)) {
            Map<Address, String> state = h.state();
            long head = h.head();
            long checkpoint = h.compact();
            assertEquals(head + 1, checkpoint, "the checkpoint is appended");
            assertEquals(checkpoint, h.head());
            assertEquals(state, h.state());
            assertEquals(0, h.runs().size(), "the runs before it are folded");
            assertEquals(1, h.events().size(), "the records below the checkpoint are dropped");
            assertEquals("Checkpoint", h.events().get(0).getClass().getSimpleName());
            assertEquals(checkpoint, h.events().get(0).position());
            assertTrue(h.verify().ok());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            h.export(out);
            assertEquals(h.events().size(), out.toString(StandardCharsets.UTF_8).lines().count());
        }
        assertEquals(files, runs.snapshot());
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("v4"));
            app.apply("only-4", thing, new Thing.Props("x"));
        }
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/only-4"), runs.actions());
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("v5"));
        }
        try (History h = history(runs)) {
            Map<Address, String> state = h.state();
            long head = h.head();
            assertEquals(head + 1, h.compact(), "compacts again after new runs");
            assertEquals(1, h.events().size());
            assertEquals(state, h.state());
        }
    }

    @Test
    void rebuildRewritesSnapshotsFromTheLog() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a", null, Secret.of("s")));
            app.apply("b", thing, new Thing.Props("b"));
        }
        Map<String, String> files = runs.snapshot();
        Files.delete(runs.file("app/dev/a.json"));
        Files.writeString(runs.file("app/dev/b.json"), "garbage");
        try (History h = history(runs)) {
            VerifyReport broken = h.verify();
            assertEquals(1, broken.missing().size());
            assertEquals(1, broken.different().size());
            assertEquals(2, h.rebuild());
            assertTrue(h.verify().ok());
        }
        assertEquals(files, runs.snapshot());
    }

    /** A store that hides its event log, like any store written before logs existed. */
    private static final class NoLogStore extends ForwardingStore {
        NoLogStore(FileSystemStateStore inner) {
            super(inner);
        }

        @Override
        public java.util.Optional<run.alchemy.api.spi.LogStore> logStore(String app, String stage) {
            return java.util.Optional.empty();
        }

        @Override
        public boolean hasLog(String app, String stage) {
            return false;
        }
    }
}
