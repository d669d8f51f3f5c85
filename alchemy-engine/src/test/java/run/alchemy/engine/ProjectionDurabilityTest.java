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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a power loss the projection mark must not be ahead of the snapshots: the snapshot writes
 * of a batch are synced before the mark moves (else the next open would skip re-projecting and
 * adopt stale snapshots). Recorded as the order of the store calls, since a power cut cannot be.
 */
class ProjectionDurabilityTest {
    @TempDir
    Path dir;

    /** Records snapshot writes ({@code write}), syncs ({@code sync}) and moves of the projection mark ({@code mark}). */
    private static final class RecordingStore extends ForwardingStore {
        final List<String> calls = new CopyOnWriteArrayList<>();

        RecordingStore(FileSystemStateStore inner) {
            super(inner);
        }

        @Override
        public void writeAll(List<Write> writes) {
            calls.add("write");
            super.writeAll(writes);
        }

        @Override
        public void sync() {
            calls.add("sync");
            super.sync();
        }

        @Override
        public Optional<LogStore> logStore(String app, String stage) {
            return super.logStore(app, stage).map(log -> new RecordingLog(log, calls));
        }
    }

    /** Passes everything to the real log, noting each write of the projection mark. */
    private record RecordingLog(LogStore inner, List<String> calls) implements LogStore {
        public long head() {
            return inner.head();
        }

        public long append(long expectedHead, List<byte[]> records) {
            return inner.append(expectedHead, records);
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
                calls.add("mark");
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

    private Alchemy open(RecordingStore store) {
        return Alchemy.app("app").stage("dev").phase(Phase.UP).password(Runs.PASSWORD).environment(Map.of())
                .stateStore(store).open();
    }

    private static void assertSyncedBeforeEachMark(List<String> calls) {
        assertTrue(calls.contains("write") && calls.contains("mark"), calls.toString());
        boolean synced = true;
        for (String call : calls) {
            switch (call) {
                case "write" -> synced = false;
                case "sync" -> synced = true;
                default -> assertTrue(synced, "the mark moved over unsynced snapshot writes: " + calls);
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
}
