package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * After a power loss the projection mark must not be ahead of the snapshots: the snapshot writes
 * of a batch are synced before the mark moves (else the next open would skip re-projecting and
 * adopt stale snapshots). Recorded as the order of the store calls, since a power cut cannot be:
 * the mark may move to a position once every snapshot write of the batches up to it ended before
 * the sync that precedes the move began (later batches' writes may run during the sync).
 * And the sync before a move, which on a busy disk takes seconds, holds up no write of the program.
 */
class ProjectionDurabilityTest {
    @TempDir
    Path dir;

    /**
     * Records appends ({@code append:H}, the head after), each batch's snapshot writes
     * ({@code write-start:H}, {@code write-end:H}; the engine projects batches in the order of their
     * appends, and writes with none appended before them re-project at open: H 0), syncs
     * ({@code sync-start}, {@code sync-end}) and moves of the projection mark ({@code mark:H}).
     */
    private static class RecordingStore extends ForwardingStore {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Queue<Long> appendedHeads = new ConcurrentLinkedQueue<>();

        RecordingStore(FileSystemStateStore inner) {
            super(inner);
        }

        @Override
        public void writeAll(List<Write> writes) {
            Long head = appendedHeads.poll();
            long position = head == null ? 0 : head;
            calls.add("write-start:" + position);
            super.writeAll(writes);
            calls.add("write-end:" + position);
        }

        @Override
        public void sync() {
            calls.add("sync-start");
            whileSyncing();
            super.sync();
            calls.add("sync-end");
        }

        /** Runs when a sync has begun. */
        void whileSyncing() {
        }

        @Override
        public Optional<LogStore> logStore(String app, String stage) {
            return super.logStore(app, stage).map(log -> new RecordingLog(log, this));
        }
    }

    /** Passes everything to the real log, noting each append and each write of the projection mark. */
    private record RecordingLog(LogStore inner, RecordingStore store) implements LogStore {
        public long head() {
            return inner.head();
        }

        public long append(long expectedHead, List<byte[]> records) {
            long head = inner.append(expectedHead, records);
            store.appendedHeads.add(head);
            store.calls.add("append:" + head);
            return head;
        }

        public void read(long afterPosition, RecordVisitor visitor) {
            inner.read(afterPosition, visitor);
        }

        public void dropBelow(long position) {
            inner.dropBelow(position);
        }

        public Optional<Control> control(String name) {
            return inner.control(name);
        }

        public boolean createControl(String name, byte[] bytes) {
            return inner.createControl(name, bytes);
        }

        public void putControl(String name, byte[] bytes) {
            if (name.equals("projected")) {
                store.calls.add("mark:" + new String(bytes, StandardCharsets.UTF_8).strip());
            }
            inner.putControl(name, bytes);
        }

        public void deleteControl(String name) {
            inner.deleteControl(name);
        }

        public List<String> controls(String prefix) {
            return inner.controls(prefix);
        }

        public String describe() {
            return inner.describe();
        }
    }

    private Alchemy open(ForwardingStore store) {
        return Alchemy.app("app").stage("dev").phase(Phase.UP).password(Runs.PASSWORD).environment(Map.of())
                .stateStore(store).open();
    }

    private static void assertSyncedBeforeEachMark(List<String> calls) {
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("write-end:")) && calls.stream().anyMatch(c -> c.startsWith("mark:")),
                calls.toString());
        for (int m = 0; m < calls.size(); m++) {
            if (!calls.get(m).startsWith("mark:")) {
                continue;
            }
            long marked = Long.parseLong(calls.get(m).substring("mark:".length()));
            int syncStart = calls.subList(0, m).lastIndexOf("sync-start");
            assertTrue(syncStart >= 0 && calls.subList(syncStart, m).contains("sync-end"),
                    "the mark moved to " + marked + " without a sync before it: " + calls);
            for (int w = 0; w < calls.size(); w++) {
                String call = calls.get(w);
                if (call.startsWith("write-end:") && Long.parseLong(call.substring("write-end:".length())) <= marked) {
                    assertTrue(w < syncStart, "the mark moved to " + marked + " over a snapshot write of its batches"
                            + " that ended after its sync began (" + call + " at " + w + "): " + calls);
                }
            }
        }
    }

    @Test
    void aBatchsSnapshotsAreSyncedBeforeTheProjectionMarkMoves() {
        Path root = dir.resolve(".alchemy");
        RecordingStore store = new RecordingStore(new FileSystemStateStore(root));
        Thing thing = new Thing();
        try (Alchemy app = open(store)) {
            app.apply("a", thing, new Thing.Props("a"));
            app.apply("b", thing, new Thing.Props("b"));
        }
        assertSyncedBeforeEachMark(store.calls);
    }

    @Test
    void reProjectingOnOpenSyncsBeforeTheMarkMoves() throws Exception {
        Path root = dir.resolve(".alchemy");
        Thing thing = new Thing();
        try (Alchemy app = open(new RecordingStore(new FileSystemStateStore(root)))) {
            app.apply("a", thing, new Thing.Props("a"));
        }
        // As after a crash between the append and the projection: the mark behind, a snapshot missing.
        Files.writeString(root.resolve(".alchemy-java/app/dev/projected"), "0\n", StandardCharsets.UTF_8);
        Files.delete(root.resolve("app/dev/a.json"));
        RecordingStore store = new RecordingStore(new FileSystemStateStore(root));
        try (Alchemy app = open(store)) {
            assertTrue(Files.exists(root.resolve("app/dev/a.json")), "re-projected on open");
            app.apply("a", thing, new Thing.Props("a"));
        }
        assertSyncedBeforeEachMark(store.calls);
    }

    /** Holds the first sync of a run until released, as a syncfs does on a disk with much to write. */
    private static final class SlowSyncStore extends RecordingStore {
        final CountDownLatch syncing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        SlowSyncStore(FileSystemStateStore inner) {
            super(inner);
        }

        @Override
        void whileSyncing() {
            syncing.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void theProgramWritesOnWhileTheSnapshotsAreSyncedForTheMark() throws Exception {
        Path root = dir.resolve(".alchemy");
        SlowSyncStore store = new SlowSyncStore(new FileSystemStateStore(root));
        Thing thing = new Thing();
        // enough records to fill more batches than may wait for projection: the program projects them itself
        int records = 2_000;
        try (Alchemy app = open(store)) {
            try {
                app.apply("first", thing, new Thing.Props("first"));
                Thread.sleep(150); // the mark moves at most every 100 ms: the next projection moves it
                app.apply("second", thing, new Thing.Props("second"));
                assertTrue(store.syncing.await(30, TimeUnit.SECONDS), "the background flush moves the mark");
                CompletableFuture<Void> program = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < records; i++) {
                        app.apply("r" + i, thing, new Thing.Props("r" + i));
                    }
                });
                try {
                    program.get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("the program's writes waited for the sync of the snapshots");
                }
            } finally {
                store.release.countDown(); // before the run ends: its last mark syncs too
            }
        }
        try (var snapshots = Files.list(root.resolve("app/dev"))) {
            assertEquals(records + 2, snapshots.filter(f -> f.toString().endsWith(".json")).count());
        }
        long logged;
        try (var segments = Files.list(root.resolve(".alchemy-java/app/dev/log"))) {
            logged = segments.mapToLong(ProjectionDurabilityTest::lines).sum();
        }
        assertEquals(Long.toString(logged), Files.readString(root.resolve(".alchemy-java/app/dev/projected")).strip(),
                "at the end of the run the mark is at the log's head");
        assertSyncedBeforeEachMark(store.calls); // batches projected during the held sync wait for the next mark
    }

    private static long lines(Path segment) {
        try (var lines = Files.lines(segment)) {
            return lines.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
