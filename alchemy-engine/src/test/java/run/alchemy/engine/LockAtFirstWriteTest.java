package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.Phase;
import run.alchemy.api.StageChangedException;
import run.alchemy.api.StageLockLostException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.fs.FileSystemStateStore;
import run.alchemy.api.StageLockedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a lock timeout a run takes the stage lock at its first write: a no-op takes none, and a
 * run whose stage changed between its reads and its first write fails there, having written
 * nothing and called no provider for it. With a timeout the lock is taken at open.
 */
class LockAtFirstWriteTest {
    @TempDir
    Path dir;

    private static List<String> generations(Runs runs) throws IOException {
        Path chain = runs.root.resolve(".alchemy-java/app/dev/lock");
        if (!Files.isDirectory(chain)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(chain)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private long head(Runs runs) {
        try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
            return h.head();
        }
    }

    @Test
    void aRunThatWritesNothingTakesNoLock() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        List<String> before = generations(runs);
        assertFalse(before.isEmpty(), "the writing run took the lock: " + before);
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
                assertTrue(h.lockHolder().isEmpty(), "an open run that wrote nothing holds nothing: " + h.lockHolder());
            }
        }
        assertEquals(List.of("[skipped] app/dev/a"), runs.actions());
        assertEquals(before, generations(runs), "no lease generation was written");
    }

    @Test
    void aRunWhoseStageChangedAfterItReadFailsAtItsFirstWriteBeforeTheProvider() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        long readAt = head(runs);
        Alchemy late = runs.up();
        late.apply("a", thing, new Thing.Props("a")); // read the stage; wrote nothing
        Runs other = new Runs(dir);
        try (Alchemy app = other.up()) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        long headAfterOther = head(runs);
        String otherRun;
        try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
            otherRun = h.runs().get(h.runs().size() - 1).runId();
        }
        thing.calls.clear();

        StageChangedException e = assertThrows(StageChangedException.class,
                () -> late.apply("c", thing, new Thing.Props("c")));
        assertEquals(readAt, e.readAt());
        assertEquals(headAfterOther, e.headNow());
        assertTrue(e.getMessage().contains("app/dev") && e.getMessage().contains(otherRun), e.getMessage());
        assertEquals(List.of(), thing.calls, "no provider was called for the write that was refused");
        AlchemyException onClose = assertThrows(AlchemyException.class, late::close);
        assertInstanceOf(StageChangedException.class, onClose.getCause(), "closing reports the same failure");
        assertTrue(onClose != e, "as another exception: a try-with-resources adds it to the first");

        assertEquals(headAfterOther, head(runs), "the late run appended nothing");
        try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
            assertTrue(h.lockHolder().isEmpty(), "and released the lock it took to find out");
            assertEquals(List.of("a", "b"), h.state().keySet().stream().map(Address::id).sorted().toList());
        }
    }

    @Test
    void aStageHeldByAnotherRunIsRefusedAtOpen() {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy writer = runs.up()) {
            writer.apply("a", thing, new Thing.Props("a")); // its first write took the lock
            StageLockedException e = assertThrows(StageLockedException.class, () -> runs.up());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void withALockTimeoutTheLockIsTakenAtOpen() {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.builder("dev", Phase.UP).lockTimeout(Duration.ofMillis(1)).open()) {
            try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
                assertTrue(h.lockHolder().isPresent(), "held from open, before anything is written");
            }
        }
        try (History h = new Runs(dir).builder("dev", Phase.UP).history()) {
            assertTrue(h.lockHolder().isEmpty());
        }
    }

    @Test
    void anAppendRefusedWhileTheRunHoldsTheLockIsALostLock() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        LogStore log = new FileSystemStateStore(runs.root).logStore("app", "dev").orElseThrow();
        AlchemyException e = assertThrows(AlchemyException.class, () -> {
            try (Alchemy app = runs.builder("dev", Phase.UP).lockTimeout(Duration.ofSeconds(5)).open()) {
                // a late write of a holder presumed dead lands after this run took the lock and read the head
                long head = log.head();
                byte[][] last = new byte[1][];
                log.read(head - 1, (position, record) -> {
                    last[0] = record;
                    return true;
                });
                log.append(head, List.of(last[0]));
                app.apply("b", thing, new Thing.Props("b"));
                app.apply("c", thing, new Thing.Props("c"));
            }
        });
        Throwable lost = e instanceof StageLockLostException ? e : e.getCause();
        assertInstanceOf(StageLockLostException.class, lost, () -> "a typed lost lock, not a bare conflict: " + e);
        assertTrue(lost.getMessage().contains("another writer appended"), lost.getMessage());
    }
}
