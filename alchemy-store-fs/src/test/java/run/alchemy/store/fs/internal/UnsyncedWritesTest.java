package run.alchemy.store.fs.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Which way a sync goes; the syncfs command is replaced by a script that logs its calls. */
class UnsyncedWritesTest {
    @TempDir
    Path dir;

    private List<String> logging(Path log, int exitCode) {
        return List.of("sh", "-c", "printf '%s\\n' \"$0\" >> '" + log + "'; exit " + exitCode);
    }

    private void addFiles(UnsyncedWrites unsynced, Path in, int count) throws IOException {
        Files.createDirectories(in);
        for (int i = 0; i < count; i++) {
            unsynced.add(Files.writeString(in.resolve(i + ".json"), "{}"));
        }
        unsynced.add(in);
    }

    private List<String> calls(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void manyFilesAreSyncedWithOneSyncfsPerFileSystem() throws IOException {
        Path log = dir.resolve("calls.log");
        UnsyncedWrites unsynced = new UnsyncedWrites(logging(log, 0), true);
        addFiles(unsynced, dir.resolve("app/stage"), UnsyncedWrites.SYNCFS_THRESHOLD);
        addFiles(unsynced, dir.resolve("app/stage/child"), 10);
        unsynced.sync();
        assertEquals(List.of(dir.resolve("app/stage").toString()), calls(log));
        unsynced.sync();
        assertEquals(1, calls(log).size(), "nothing was left to sync");
    }

    @Test
    void aFewFilesAreFsyncedEach() throws IOException {
        Path log = dir.resolve("calls.log");
        UnsyncedWrites unsynced = new UnsyncedWrites(logging(log, 0), true);
        addFiles(unsynced, dir.resolve("s"), 3);
        unsynced.sync();
        assertEquals(List.of(), calls(log));
    }

    @Test
    void aFailingSyncfsFallsBackToFsyncsForGood() throws IOException {
        Path log = dir.resolve("calls.log");
        UnsyncedWrites unsynced = new UnsyncedWrites(logging(log, 1), true);
        addFiles(unsynced, dir.resolve("s"), 100);
        unsynced.sync();
        addFiles(unsynced, dir.resolve("t"), 100);
        unsynced.sync();
        assertEquals(1, calls(log).size(), "tried once, then never again");
    }

    @Test
    void aMissingCommandFallsBack() throws IOException {
        UnsyncedWrites unsynced = new UnsyncedWrites(List.of(dir.resolve("no-such-sync").toString()), true);
        addFiles(unsynced, dir.resolve("s"), 100);
        unsynced.sync();
    }

    @Test
    void pathsRemovedBeforeTheSyncAreSkipped() throws IOException {
        Path log = dir.resolve("calls.log");
        UnsyncedWrites unsynced = new UnsyncedWrites(logging(log, 0), true);
        addFiles(unsynced, dir.resolve("gone"), 100);
        try (var files = Files.list(dir.resolve("gone"))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir.resolve("gone"));
        unsynced.sync();
        assertFalse(calls(log).contains(dir.resolve("gone").toString()));
        addFiles(unsynced, dir.resolve("gone2"), 3);
        Files.delete(dir.resolve("gone2/0.json"));
        unsynced.sync();
    }

    @Test
    void theDefaultSyncsOnThisMachine() throws IOException {
        UnsyncedWrites unsynced = new UnsyncedWrites();
        addFiles(unsynced, dir.resolve("s"), 200);
        unsynced.sync();
    }
}
