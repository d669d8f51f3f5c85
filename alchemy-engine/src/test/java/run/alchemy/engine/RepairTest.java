package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.Phase;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.event.RunFinished;
import run.alchemy.api.event.RunStarted;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's repairs of a stage's state: {@link Stage#forget}, {@link Stage#move} and
 * {@link Stage#restore}. Each is a run of its own that calls no provider, under the stage lock, with
 * every change an event of its own type; a refusal writes nothing at all (not a byte under the store's
 * folder, not even a lock); the next deploy sees the repaired state.
 */
class RepairTest {
    @TempDir
    Path dir;

    private static final List<String> STAGE = List.of("app", "dev");
    private static final Address A = new Address(STAGE, "a");
    private static final Address B = new Address(STAGE, "b");
    private static final Address C = new Address(STAGE, "c");
    private static final Address PARENT = new Address(STAGE, "parent");
    private static final List<String> PARENT_SCOPE = List.of("app", "dev", "parent");
    private static final List<String> KID_1_SCOPE = List.of("app", "dev", "parent", "kid-1");

    private final Thing thing = new Thing();

    /** a, b, and parent with two children kid-1 and kid-2 (declared by its provider), kid-1 with a child grand. */
    private Runs deployed() {
        thing.bodies.put("parent", (ctx, p) -> {
            ctx.scope().apply("kid-1", thing, new Thing.Props("k1"));
            ctx.scope().apply("kid-2", thing, new Thing.Props("k2"));
        });
        thing.bodies.put("kid-1", (ctx, p) -> ctx.scope().apply("grand", thing, new Thing.Props("g")));
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
            app.apply("parent", thing, new Thing.Props("p"));
        }
        thing.calls.clear();
        return runs;
    }

    private Stage stage(Runs runs) {
        return runs.builder("dev", Phase.UP);
    }

    /** Every file under the store's folder (the snapshots, the log, its lock and control objects), byte for byte. */
    private static Map<String, String> everyByte(Runs runs) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(runs.root)) {
            for (Path p : walk.toList()) {
                String name = runs.root.relativize(p).toString();
                files.put(name, Files.isDirectory(p) ? "<dir>" : Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Runs {@code refused}, which must throw {@code type}, and checks that not one byte under the store's folder changed. */
    private static <T extends Throwable> T refusedWritingNothing(Runs runs, Class<T> type, Executable refused) {
        Map<String, String> before = everyByte(runs);
        T e = assertThrows(type, refused::run);
        assertUnchanged(before, everyByte(runs), "a refusal writes nothing: " + e.getMessage());
        return e;
    }

    /** Fails naming the files added, removed or changed (not their bytes). */
    private static void assertUnchanged(Map<String, String> before, Map<String, String> after, String message) {
        java.util.TreeSet<String> differ = new java.util.TreeSet<>(before.keySet());
        differ.addAll(after.keySet());
        differ.removeIf(k -> java.util.Objects.equals(before.get(k), after.get(k)));
        assertEquals(java.util.Set.of(), differ, message);
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Throwable;
    }

    private static List<Event> eventsAfter(History h, long position) {
        return h.events().stream().filter(e -> e.position() > position).toList();
    }

    /** The events as {@code TYPE fqn} (resource events) or their class's name, with {@code +}/{@code -} for a snapshot or none. */
    private static List<String> described(List<Event> events) {
        return events.stream().map(e -> e instanceof ResourceEvent r
                ? r.type() + " " + r.fqn() + (r.snapshot() == null ? " -" : " +")
                : e.getClass().getSimpleName()).toList();
    }

    private static long head(Runs runs) {
        try (History h = runs.builder("dev", Phase.UP).history()) {
            return h.head();
        }
    }

    private static void assertVerified(Runs runs) {
        try (History h = runs.builder("dev", Phase.UP).history()) {
            VerifyReport report = h.verify();
            assertTrue(report.ok(), report.toString());
        }
    }

    /** The file-system store with its log hidden: snapshots are the only state. */
    private static final class NoLogStore extends ForwardingStore {
        NoLogStore(Path root) {
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
    }

    // ------------------------------------------------------------------ forget

    @Test
    void forgetRemovesARecordAsAForgottenEventCallingNoProviderAndTheNextDeployCreatesItAgain() {
        Runs runs = deployed();
        long head = head(runs);
        assertEquals(List.of(A), stage(runs).forget(List.of(A), false));
        assertEquals(List.of(), thing.briefs(), "no provider is called");
        assertFalse(Files.exists(runs.file("app/dev/a.json")));
        assertTrue(Files.exists(runs.file("app/dev/b.json")));
        try (History h = stage(runs).history()) {
            List<Event> events = eventsAfter(h, head);
            assertEquals(List.of("RunStarted", "FORGOTTEN app/dev/a -", "RunFinished"), described(events));
            assertEquals(events.get(0).runId(), events.get(1).runId(), "a run of its own");
            assertTrue(((RunFinished) events.get(2)).succeeded());
            assertEquals(1, ((RunFinished) events.get(2)).deleted());
            assertEquals(Run.Result.SUCCEEDED, h.runs().get(h.runs().size() - 1).result());
            assertNull(h.state().get(A), "the fold drops it");
        }
        assertVerified(runs);

        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
            app.apply("parent", thing, new Thing.Props("p"));
        }
        assertEquals(List.of("create app/dev/a"), thing.briefs(), "declared again, it is created again");
        assertEquals(List.of("[created] app/dev/a", "[skipped] app/dev/b", "[skipped] app/dev/parent"), runs.actions());
        assertVerified(runs);
    }

    @Test
    void aRecordWithChildrenIsForgottenOnlyRecursivelyChildrenFirst() {
        Runs runs = deployed();
        ConfigurationException e = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).forget(List.of(B, PARENT), false));
        assertTrue(e.getMessage().contains("app/dev/parent") && e.getMessage().contains("3 records"), e.getMessage());
        assertTrue(Files.exists(runs.file("app/dev/b.json")), "b is not forgotten either: all is checked first");

        long head = head(runs);
        List<Address> forgotten = stage(runs).forget(List.of(PARENT, new Address(PARENT_SCOPE, "kid-1")), true);
        assertEquals(List.of(new Address(KID_1_SCOPE, "grand"), new Address(PARENT_SCOPE, "kid-1"),
                new Address(PARENT_SCOPE, "kid-2"), PARENT), forgotten, "children first, each once");
        assertFalse(Files.exists(runs.file("app/dev/parent.json")));
        assertFalse(Files.exists(runs.file("app/dev/parent")), "the emptied scope directory is removed");
        try (History h = stage(runs).history()) {
            assertEquals(List.of("RunStarted", "FORGOTTEN app/dev/parent/kid-1/grand -", "FORGOTTEN app/dev/parent/kid-1 -",
                    "FORGOTTEN app/dev/parent/kid-2 -", "FORGOTTEN app/dev/parent -", "RunFinished"),
                    described(eventsAfter(h, head)));
        }
        assertVerified(runs);
        // no longer declared and no longer in state: the next deploy deletes nothing
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of(), thing.briefs(), "the real resources are left alone");
    }

    @Test
    void forgettingAnAddressWithNoRecordNamesItAndTheNearestIdsAndWritesNothing() {
        Runs runs = deployed();
        StateNotFoundException e = refusedWritingNothing(runs, StateNotFoundException.class,
                () -> stage(runs).forget(List.of(A, new Address(STAGE, "parnet")), true));
        assertTrue(e.getMessage().contains("app/dev/parnet") && e.getMessage().contains("parent"), e.getMessage());
        assertFalse(e.getMessage().contains("phase READ"), e.getMessage());
        assertTrue(Files.exists(runs.file("app/dev/a.json")), "a is not forgotten: every address is checked first");

        InvalidIdException outside = refusedWritingNothing(runs, InvalidIdException.class,
                () -> stage(runs).forget(List.of(new Address(List.of("app", "prod"), "a")), false));
        assertTrue(outside.getMessage().contains("not in the stage app/dev"), outside.getMessage());
        refusedWritingNothing(runs, InvalidIdException.class,
                () -> stage(runs).forget(List.of(new Address(List.of("app"), "dev")), true));
    }

    @Test
    void forgetMoveAndRestoreTakeTheStageLockAndADryRunTakesNone() throws Exception {
        Runs runs = deployed();
        // a lock timeout takes the lock at open; a long lease is not renewed while the bytes are compared
        Stage holding = stage(runs).lockTimeout(Duration.ofMillis(1)).lease(Duration.ofMinutes(10));
        try (Alchemy holder = holding.open()) {
            StageLockedException e = refusedWritingNothing(runs, StageLockedException.class,
                    () -> stage(runs).forget(List.of(A), false));
            assertTrue(e.getMessage().contains("app/dev"), e.getMessage());
            refusedWritingNothing(runs, StageLockedException.class, () -> stage(runs).move(A, new Address(STAGE, "z")));
            refusedWritingNothing(runs, StageLockedException.class, () -> stage(runs).restore(0, false));
            Map<String, String> before = everyByte(runs);
            assertEquals(6, stage(runs).restore(0, true).removed());
            assertUnchanged(before, everyByte(runs), "a dry run takes no lock");
            holder.apply("a", thing, new Thing.Props("a"));
        }
        assertTrue(Files.exists(runs.file("app/dev/a.json")));
        // with a lock timeout, it waits its turn
        Alchemy holder = holding.open();
        holder.apply("a", thing, new Thing.Props("a"));
        holder.apply("b", thing, new Thing.Props("b"));
        holder.apply("parent", thing, new Thing.Props("p"));
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            holder.close();
        });
        closer.start();
        assertEquals(List.of(A), stage(runs).lockTimeout(Duration.ofSeconds(20)).forget(List.of(A), false));
        closer.join();
    }

    @Test
    void onAStoreWithoutALogTheRepairsChangeTheSnapshotsAndRecordNothing() {
        Runs runs = new Runs(dir);
        Stage noLog = Alchemy.app("app").stage("dev").environment(Map.of()).password(Runs.PASSWORD)
                .stateStore(new NoLogStore(runs.root));
        noLog.run(app -> {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        });
        assertEquals(List.of(A), noLog.forget(List.of(A), false));
        assertFalse(Files.exists(runs.file("app/dev/a.json")));
        assertEquals(Map.of(B, new Address(STAGE, "b2")), noLog.move(B, new Address(STAGE, "b2")));
        assertTrue(runs.read("app/dev/b2.json").contains("\"fqn\": \"app/dev/b2\""));
        assertFalse(Files.exists(runs.root.resolve(".alchemy-java")), "no log is started");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> noLog.restore(0, true));
        assertTrue(e.getMessage().contains("keeps no event log"), e.getMessage());
        thing.calls.clear();
        noLog.run(app -> app.apply("b2", thing, new Thing.Props("b")));
        assertEquals(List.of(), thing.briefs(), "the moved record is skipped");
    }

    // ------------------------------------------------------------------ move

    @Test
    void moveRewritesTheRecordsIdAndFqnAndItsChildrenFollowAndTheNextDeploySkipsThem() {
        Runs runs = deployed();
        String parent = runs.read("app/dev/parent.json");
        String kid = runs.read("app/dev/parent/kid-1.json");
        long head = head(runs);
        Address renamed = new Address(STAGE, "renamed");
        List<String> renamedScope = List.of("app", "dev", "renamed");

        Map<Address, Address> moved = stage(runs).move(PARENT, renamed);
        Map<Address, Address> expected = new LinkedHashMap<>();
        expected.put(PARENT, renamed);
        expected.put(new Address(PARENT_SCOPE, "kid-1"), new Address(renamedScope, "kid-1"));
        expected.put(new Address(PARENT_SCOPE, "kid-2"), new Address(renamedScope, "kid-2"));
        expected.put(new Address(KID_1_SCOPE, "grand"), new Address(List.of("app", "dev", "renamed", "kid-1"), "grand"));
        assertEquals(expected, moved);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(moved.keySet()), "the record first, then its children");
        assertEquals(List.of(), thing.briefs(), "no provider is called");

        // the record: id and fqn, and the output's identity entries, name the new address; nothing else changes
        assertTrue(parent.contains("\"id\": \"parent\"") && parent.contains("\"Symbol(alchemy::ResourceID)\": \"parent\""),
                parent);
        assertEquals(parent.replace("\"id\": \"parent\"", "\"id\": \"renamed\"")
                .replace("\"fqn\": \"app/dev/parent\"", "\"fqn\": \"app/dev/renamed\"")
                .replace("\"Symbol(alchemy::ResourceID)\": \"parent\"", "\"Symbol(alchemy::ResourceID)\": \"renamed\"")
                .replace("\"Symbol(alchemy::ResourceFQN)\": \"app/dev/parent\"",
                        "\"Symbol(alchemy::ResourceFQN)\": \"app/dev/renamed\""), runs.read("app/dev/renamed.json"));
        // a child keeps its id; its fqn follows
        assertEquals(kid.replace("app/dev/parent/kid-1", "app/dev/renamed/kid-1"), runs.read("app/dev/renamed/kid-1.json"));
        assertNotEquals(kid, runs.read("app/dev/renamed/kid-1.json"));
        assertFalse(Files.exists(runs.file("app/dev/parent.json")));
        assertFalse(Files.exists(runs.file("app/dev/parent")), "the old scope directory is removed");

        try (History h = stage(runs).history()) {
            assertEquals(List.of("RunStarted", "MOVED app/dev/parent -", "MOVED app/dev/renamed +",
                    "MOVED app/dev/parent/kid-1 -", "MOVED app/dev/renamed/kid-1 +",
                    "MOVED app/dev/parent/kid-2 -", "MOVED app/dev/renamed/kid-2 +",
                    "MOVED app/dev/parent/kid-1/grand -", "MOVED app/dev/renamed/kid-1/grand +", "RunFinished"),
                    described(eventsAfter(h, head)));
            assertEquals(runs.read("app/dev/renamed.json"), h.state().get(renamed), "the event carries the new bytes");
        }
        assertVerified(runs);

        // the program renamed too: the resource is found under its new id and skipped, with its children
        thing.bodies.put("renamed", thing.bodies.get("parent"));
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
            app.apply("renamed", thing, new Thing.Props("p"));
        }
        assertEquals(List.of(), thing.briefs(), "no create, update or delete");
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/b", "[skipped] app/dev/renamed"), runs.actions());
        // and when it is updated, its children are found in its new scope
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
            app.apply("renamed", thing, new Thing.Props("p", 2, null));
        }
        assertEquals(List.of("update app/dev/renamed"), thing.briefs());
        assertVerified(runs);
    }

    @Test
    void moveIntoAndOutOfANamedScope() {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.scope("vault", s -> s.apply("db", thing, new Thing.Props("db")));
        }
        thing.calls.clear();
        List<String> vault = List.of("app", "dev", "vault");
        assertEquals(Map.of(A, new Address(vault, "a")), stage(runs).move(A, new Address(vault, "a")));
        assertTrue(runs.read("app/dev/vault/a.json").contains("\"fqn\": \"app/dev/vault/a\""));
        // a named scope's record has an empty fqn (as alchemy.run writes it): it stays empty; its records follow
        String scopeRecord = runs.read("app/dev/vault.json");
        assertTrue(scopeRecord.contains("\"fqn\": \"\""), scopeRecord);
        stage(runs).move(new Address(STAGE, "vault"), new Address(STAGE, "safe"));
        assertEquals(scopeRecord.replace("\"id\": \"vault\"", "\"id\": \"safe\"")
                .replace("\"Symbol(alchemy::ResourceID)\": \"vault\"", "\"Symbol(alchemy::ResourceID)\": \"safe\""),
                runs.read("app/dev/safe.json"));
        assertTrue(runs.read("app/dev/safe/db.json").contains("\"fqn\": \"app/dev/safe/db\""));
        assertTrue(runs.read("app/dev/safe/a.json").contains("\"fqn\": \"app/dev/safe/a\""));
        assertVerified(runs);
        try (Alchemy app = runs.up()) {
            app.scope("safe", s -> {
                s.apply("db", thing, new Thing.Props("db"));
                s.apply("a", thing, new Thing.Props("a"));
            });
        }
        assertEquals(List.of(), thing.briefs());
        assertEquals(List.of("[skipped] app/dev/safe/db", "[skipped] app/dev/safe/a"), runs.actions());
    }

    @Test
    void aMoveIsRefusedBeforeAnythingIsWritten() {
        Runs runs = deployed();
        ConfigurationException taken = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).move(A, B));
        assertTrue(taken.getMessage().contains("app/dev/b") && taken.getMessage().contains("already"), taken.getMessage());
        StateNotFoundException missing = refusedWritingNothing(runs, StateNotFoundException.class,
                () -> stage(runs).move(new Address(STAGE, "x"), new Address(STAGE, "y")));
        assertTrue(missing.getMessage().contains("app/dev/x"), missing.getMessage());
        ConfigurationException noScope = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).move(A, new Address(List.of("app", "dev", "nowhere"), "a")));
        assertTrue(noScope.getMessage().contains("app/dev/nowhere"), noScope.getMessage());
        ConfigurationException underItself = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).move(PARENT, new Address(PARENT_SCOPE, "again")));
        assertTrue(underItself.getMessage().contains("under the record itself"), underItself.getMessage());
        refusedWritingNothing(runs, InvalidIdException.class,
                () -> stage(runs).move(A, new Address(List.of("app", "prod"), "a")));
        refusedWritingNothing(runs, InvalidIdException.class, () -> stage(runs).move(A, new Address(STAGE, "x:y")));
        // into the scope of a resource that exists: allowed
        stage(runs).move(A, new Address(PARENT_SCOPE, "a"));
        assertTrue(Files.exists(runs.file("app/dev/parent/a.json")));
        assertVerified(runs);
    }

    // ------------------------------------------------------------------ restore

    /** Run 1: a, b. Run 2: a changed, b no longer declared (deleted), c new. Returns the head after run 1. */
    private long twoRuns(Runs runs) {
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        long first = head(runs);
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a2"));
            app.apply("c", thing, new Thing.Props("c"));
        }
        thing.calls.clear();
        return first;
    }

    @Test
    void restoreMakesTheStateOfAPositionAgainAsNewEventsAndADryRunListsTheSameChangesWritingNothing() {
        Runs runs = new Runs(dir);
        long first = twoRuns(runs);
        Map<String, String> then;
        List<Change> expected;
        try (History h = stage(runs).history()) {
            then = new TreeMap<>();
            h.stateAt(first).forEach((a, s) -> then.put(a.fqn(), s));
            expected = h.diff(h.head(), first);
        }
        long head = head(runs);

        Map<String, String> before = everyByte(runs);
        RestoreReport dry = stage(runs).restore(first, true);
        assertUnchanged(before, everyByte(runs), "a dry run writes nothing, not even a lock");
        assertTrue(dry.dryRun());
        assertEquals(new RestoreReport(first, 1, 1, 1, expected, true), dry);
        assertTrue(dry.changes().contains(new Change(B, "", Change.Kind.ADDED, false, null, "<record>")), dry.toString());
        assertTrue(dry.changes().contains(new Change(C, "", Change.Kind.REMOVED, false, "<record>", null)), dry.toString());
        assertTrue(dry.changes().stream().anyMatch(c -> c.address().equals(A) && c.pointer().equals("/props/name")
                && "\"a2\"".equals(c.before()) && "\"a\"".equals(c.after())), dry.toString());

        RestoreReport done = stage(runs).restore(first, false);
        assertEquals(new RestoreReport(first, 1, 1, 1, dry.changes(), false), done, "the same changes as the dry run");
        assertEquals(List.of(), thing.briefs(), "no provider is called");
        Map<String, String> now = new TreeMap<>();
        runs.snapshot().forEach((file, text) -> now.put(file.substring(0, file.length() - ".json".length()), text));
        assertEquals(then, now, "the snapshots are those of then, byte for byte");
        try (History h = stage(runs).history()) {
            assertEquals(List.of("RunStarted", "RESTORED app/dev/c -", "RESTORED app/dev/a +", "RESTORED app/dev/b +",
                    "RunFinished"), described(eventsAfter(h, head)));
            assertEquals(h.stateAt(first), h.state(), "history is appended to, never rewritten");
            assertEquals(List.of(), h.diff(first, h.head()));
            RunFinished end = (RunFinished) h.events().get(h.events().size() - 1);
            assertEquals(List.of(1, 1, 1), List.of(end.created(), end.updated(), end.deleted()));
        }
        assertVerified(runs);

        // the program of run 1 finds its records as it left them
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of(), thing.briefs());
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/b"), runs.actions());

        // restoring the state the stage is in appends nothing
        long settled = head(runs);
        RestoreReport again = stage(runs).restore(first, false);
        assertTrue(again.unchanged() && again.changes().isEmpty(), again.toString());
        assertEquals(settled, head(runs));
    }

    @Test
    void restoreToTheEndOfARunOrATime() throws Exception {
        Runs runs = new Runs(dir);
        long first = twoRuns(runs);
        Run run1;
        try (History h = stage(runs).history()) {
            run1 = h.runs().get(0);
        }
        assertEquals(first, run1.to());
        RestoreReport byTime = stage(runs).restore(RestorePoint.time(run1.finished()), true);
        assertEquals(first, byTime.position());
        assertEquals(3, byTime.changes().stream().map(Change::address).distinct().count(), byTime.toString());

        RestoreReport byRun = stage(runs).restore(RestorePoint.endOfRun(run1.runId()), false);
        assertEquals(first, byRun.position());
        assertEquals(byTime.changes(), byRun.changes());
        assertEquals(List.of("app/dev/a.json", "app/dev/b.json"), List.copyOf(runs.snapshot().keySet()));
        assertVerified(runs);

        ConfigurationException unknown = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).restore(RestorePoint.endOfRun("no-such-run"), false));
        assertTrue(unknown.getMessage().contains("no-such-run") && unknown.getMessage().contains(run1.runId()),
                unknown.getMessage());
    }

    @Test
    void restorePastTheHeadIsTheHeadAndUndoesAHandEditAfterAdoptingIt() throws Exception {
        Runs runs = new Runs(dir);
        twoRuns(runs);
        String good = runs.read("app/dev/a.json");
        Files.writeString(runs.file("app/dev/a.json"), good.replace("\"name\": \"a2\"", "\"name\": \"by hand\""));
        long head = head(runs);

        RestoreReport dry = stage(runs).restore(Long.MAX_VALUE, true);
        assertEquals(head, dry.position());
        assertEquals(List.of("/output/name", "/props/name"), dry.changes().stream().map(Change::pointer).toList());
        RestoreReport done = stage(runs).restore(head + 1000, false);
        assertEquals(head, done.position(), "clamped to the head");
        assertEquals(new RestoreReport(head, 0, 1, 0, dry.changes(), false), done);
        assertEquals(good, runs.read("app/dev/a.json"));
        try (History h = stage(runs).history()) {
            assertEquals(List.of("RunStarted", "EXTERNAL_CHANGE app/dev/a +", "RESTORED app/dev/a +", "RunFinished"),
                    described(eventsAfter(h, head)), "the edit is in the history, then undone");
        }
        assertVerified(runs);
    }

    @Test
    void restoreBeforeTheFirstEventEmptiesTheStageAndTheNextDeployCreatesEverythingAgain() {
        Runs runs = deployed();
        RestoreReport done = stage(runs).restore(0, false);
        assertEquals(new RestoreReport(0, 0, 0, 6, done.changes(), false), done);
        assertEquals(Map.of(), runs.snapshot());
        assertFalse(Files.exists(runs.file("app/dev/parent")));
        assertVerified(runs);
        try (History h = stage(runs).history()) {
            assertEquals(Map.of(), h.state());
            assertEquals(6, h.events().stream().filter(e -> e instanceof ResourceEvent r && r.type() == Type.RESTORED)
                    .count());
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        assertEquals(List.of("create app/dev/a"), thing.briefs());
    }

    @Test
    void restoreBeforeACompactionIsRefused() {
        Runs runs = new Runs(dir);
        long first = twoRuns(runs);
        long checkpoint;
        try (History h = stage(runs).history()) {
            checkpoint = h.compact();
        }
        ConfigurationException e = refusedWritingNothing(runs, ConfigurationException.class,
                () -> stage(runs).restore(first, false));
        assertTrue(e.getMessage().contains("compacted at position " + checkpoint), e.getMessage());
        assertTrue(stage(runs).restore(checkpoint, false).unchanged());
    }

    @Test
    void theNewTypesAreNamedInTheLogAsForgottenMovedAndRestored() throws Exception {
        Runs runs = deployed();
        stage(runs).forget(List.of(A), false);
        stage(runs).move(B, new Address(STAGE, "b2"));
        stage(runs).restore(0, false);
        StringBuilder log = new StringBuilder();
        try (Stream<Path> files = Files.walk(runs.root.resolve(".alchemy-java/app/dev"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                log.append(Files.readString(p));
            }
        }
        for (String name : List.of("forgotten", "moved", "restored")) {
            assertTrue(log.toString().contains("\"type\":\"" + name + "\""), name);
        }
        try (History h = stage(runs).history()) {
            List<Event> events = h.events();
            assertTrue(events.stream().anyMatch(e -> e instanceof RunStarted));
            for (Type t : List.of(Type.FORGOTTEN, Type.MOVED, Type.RESTORED)) {
                assertTrue(events.stream().anyMatch(e -> e instanceof ResourceEvent r && r.type() == t), t.name());
            }
        }
        assertVerified(runs);
        assertThrows(IllegalArgumentException.class, () -> new ResourceEvent(1, java.time.Instant.now(), "r",
                Type.FORGOTTEN, STAGE, "a", "k", "{}"), "a forgotten event has no snapshot");
        assertTrue(AlchemyException.class.isAssignableFrom(StateNotFoundException.class));
    }
}
