package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.alchemy.api.Phase;
import run.alchemy.api.StageLockedException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.VerifyReport.Difference;
import run.alchemy.engine.VerifyReport.Finding;
import run.alchemy.engine.VerifyReport.Kind;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damage is never adopted; verify tells behind, changed and damaged apart; imports and rebuilds go through the log. */
class VerifyAndRepairTest {
    @TempDir
    java.nio.file.Path dir;

    private static final Address A = new Address(List.of("app", "dev"), "a");
    private static final Address B = new Address(List.of("app", "dev"), "b");

    private Runs deployed(Thing thing) {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        return runs;
    }

    private History history(Runs runs) {
        return runs.builder("dev", Phase.UP).history();
    }

    private static long count(List<Event> events, Type type) {
        return events.stream().filter(e -> e instanceof ResourceEvent r && r.type() == type).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "{\n  \"kind\": \"test::Thing\",\n  \"id\": \"b", "[1, 2]", "{\"kind\": \"test::Thing\"}"})
    void aDamagedSnapshotIsNeverAdoptedAndRebuildRestoresIt(String damage) throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        String good = runs.read("app/dev/b.json");
        long head;
        try (History h = history(runs)) {
            head = h.head();
        }
        Files.writeString(runs.file("app/dev/b.json"), damage);

        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            StateCorruptedException e = assertThrows(StateCorruptedException.class,
                    () -> app.apply("b", thing, new Thing.Props("b")));
            assertTrue(e.location().endsWith("app/dev/b.json"), e.location());
        }
        assertEquals(damage, runs.read("app/dev/b.json"), "the damaged file is left as found");
        try (History h = history(runs)) {
            assertEquals(head, h.head(), "nothing entered the log: " + h.events().subList((int) Math.min(head,
                    h.events().size()), h.events().size()));
            assertEquals(0, count(h.events(), Type.EXTERNAL_CHANGE));
            VerifyReport report = h.verify();
            assertFalse(report.ok());
            Finding damaged = report.findings().get(0);
            assertEquals(List.of(B), report.findings().stream().map(Finding::address).toList());
            assertEquals(Kind.DAMAGED, damaged.kind());
            assertEquals(Difference.DIFFERENT, damaged.difference());
            assertTrue(damaged.problem().contains("b.json"), damaged.problem());

            assertEquals(1, h.rebuild());
            assertTrue(h.verify().ok(), h.verify().toString());
            assertEquals(head, h.head(), "a rebuild projects what the log holds; it appends nothing");
        }
        assertEquals(good, runs.read("app/dev/b.json"));
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of("[skipped] app/dev/a", "[skipped] app/dev/b"), runs.actions());
    }

    @Test
    void verifyTellsBehindChangedAndDamagedApart() throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        Map<String, String> first = runs.snapshot();
        long firstHead;
        try (History h = history(runs)) {
            firstHead = h.head();
        }
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a2"));
            app.apply("b", thing, new Thing.Props("b"));
            app.apply("c", thing, new Thing.Props("c"));
        }
        // As if the second run died after its appends and before projecting them: a's and c's snapshots
        // are as before, the mark is where the first run left it.
        Files.writeString(runs.file("app/dev/a.json"), first.get("app/dev/a.json"));
        Files.delete(runs.file("app/dev/c.json"));
        Files.writeString(runs.root.resolve(".alchemy-java/app/dev/projected"), Long.toString(firstHead));
        // b is edited by hand, an untracked record appears, and a stray record is damaged
        Files.writeString(runs.file("app/dev/b.json"), runs.read("app/dev/b.json").replace("\"name\": \"b\"", "\"name\": \"hand\""));
        Files.writeString(runs.file("app/dev/extra.json"), first.get("app/dev/a.json").replace("\"a\"", "\"extra\""));
        Files.writeString(runs.file("app/dev/junk.json"), "{\"torn");

        try (History h = history(runs)) {
            VerifyReport report = h.verify();
            Map<Address, Finding> by = new LinkedHashMap<>();
            report.findings().forEach(f -> by.put(f.address(), f));
            assertEquals(5, by.size(), report.toString());

            Finding a = by.get(A);
            assertEquals(Kind.BEHIND, a.kind(), a.toString());
            assertEquals(Difference.DIFFERENT, a.difference());
            assertTrue(a.pointers().containsAll(List.of("/status", "/props/name", "/output/name")), a.pointers().toString());
            Finding c = by.get(new Address(List.of("app", "dev"), "c"));
            assertEquals(Kind.BEHIND, c.kind());
            assertEquals(Difference.MISSING, c.difference());

            Finding b = by.get(B);
            assertEquals(Kind.CHANGED, b.kind());
            assertEquals(List.of("/output/name", "/props/name"), b.pointers());
            Finding extra = by.get(new Address(List.of("app", "dev"), "extra"));
            assertEquals(Kind.CHANGED, extra.kind());
            assertEquals(Difference.UNTRACKED, extra.difference());
            Finding junk = by.get(new Address(List.of("app", "dev"), "junk"));
            assertEquals(Kind.DAMAGED, junk.kind());
            assertEquals(Difference.UNTRACKED, junk.difference());
            assertTrue(junk.problem().contains("invalid JSON"), junk.problem());

            assertEquals(List.of(new Address(List.of("app", "dev"), "c")), report.missing());
            assertEquals(List.of(A, B), report.different());
            assertEquals(2, report.untracked().size());
            assertEquals(firstHead, report.projected());

            assertEquals(3, h.rebuild(), "a and c projected, b restored; the untracked records are left alone");
            VerifyReport after = h.verify();
            assertEquals(List.of("extra", "junk"), after.findings().stream().map(f -> f.address().id()).toList());
            assertEquals(after.head(), after.projected());
        }
    }

    @Test
    void anImportAppendsImportedEventsAndProjectsThem() throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        Map<Address, byte[]> records = new LinkedHashMap<>();
        for (String id : List.of("a", "b")) {
            records.put(new Address(List.of("app", "copy"), id), runs.read("app/dev/" + id + ".json")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ImportReport report = runs.builder("copy", Phase.UP).importRecords("dev.json", records);
        assertEquals(new ImportReport(2, 0, 0), report);
        assertEquals(runs.read("app/dev/a.json"), runs.read("app/copy/a.json"));
        try (History h = runs.builder("copy", Phase.UP).history()) {
            assertEquals(2, count(h.events(), Type.IMPORTED));
            assertEquals(Run.Result.SUCCEEDED, h.runs().get(0).result());
            assertTrue(h.verify().ok(), h.verify().toString());
        }
        assertEquals(new ImportReport(0, 0, 2), runs.builder("copy", Phase.UP).importRecords("dev.json", records),
                "the same records again change nothing");
        try (Alchemy app = runs.builder("copy", Phase.UP).open()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(List.of("[skipped] app/copy/a", "[skipped] app/copy/b"), runs.actions());
        try (History h = runs.builder("copy", Phase.UP).history()) {
            assertEquals(0, count(h.events(), Type.EXTERNAL_CHANGE), "imported records are no external change");
        }
    }

    @Test
    void anImportOfBadBytesOrIntoALockedStageWritesNothing() throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        Map<String, String> before = runs.snapshot();
        Map<Address, byte[]> records = new LinkedHashMap<>();
        records.put(A, runs.read("app/dev/b.json").replace("\"name\": \"b\"", "\"name\": \"new\"").getBytes(StandardCharsets.UTF_8));
        records.put(B, "{\"kind\": \"test::Thing\", \"sta".getBytes(StandardCharsets.UTF_8));
        long head;
        try (History h = history(runs)) {
            head = h.head();
        }
        StateCorruptedException e = assertThrows(StateCorruptedException.class,
                () -> runs.builder("dev", Phase.UP).importRecords("x.json", records));
        assertTrue(e.location().contains("x.json") && e.location().contains("app/dev/b"), e.location());
        assertEquals(before, runs.snapshot());

        records.remove(B);
        // a lock timeout takes the lock at open (without one, a run holds it only from its first write)
        try (Alchemy holder = runs.builder("dev", Phase.UP).lockTimeout(java.time.Duration.ofMillis(1)).open()) {
            assertThrows(StageLockedException.class, () -> runs.builder("dev", Phase.UP).importRecords("x.json", records));
            holder.apply("a", thing, new Thing.Props("a"));
            holder.apply("b", thing, new Thing.Props("b"));
        }
        assertEquals(before, runs.snapshot());
        try (History h = history(runs)) {
            assertEquals(head, h.head());
        }
    }
}
