package run.alchemy.store.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.testkit.StateStoreContract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSystemStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    @Override
    protected StateStore newStore() {
        return new FileSystemStateStore(dir.resolve(".alchemy"));
    }

    private Path root() {
        return dir.resolve(".alchemy");
    }

    @Test
    void laysOutFilesExactlyAsAlchemy() throws Exception {
        store.put(STAGE, "api/v1/route", json("{}"));
        store.put(List.of("app"), "dev", json("{}"));
        store.put(List.of("app", "dev", "parent"), "child", json("{}"));
        assertTrue(Files.isRegularFile(root().resolve("app/dev/api:v1:route.json")));
        assertTrue(Files.isRegularFile(root().resolve("app/dev.json")));
        assertTrue(Files.isRegularFile(root().resolve("app/dev/parent/child.json")));
    }

    @Test
    void scopeNamesWithSlashesNestDirectoriesAsAlchemyDoes() {
        store.put(List.of("app", "dev", "a/b"), "x", json("{}"));
        assertTrue(Files.isRegularFile(root().resolve("app/dev/a/b/x.json")));
    }

    @Test
    void anOldTemporaryFileLeftByAKilledWriterDoesNotKeepAScopeAlive() throws Exception {
        List<String> child = List.of("app", "dev", "parent");
        store.put(child, "kid", json("{}"));
        store.delete(child, "kid");
        Path temp = root().resolve("app/dev/parent/.kid.json.0000.tmp");
        Files.writeString(temp, "{\"half");
        store.deleteScope(child);
        assertTrue(Files.exists(temp), "a fresh temporary file may still be renamed by a live writer");
        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(600)));
        store.deleteScope(child);
        assertFalse(Files.exists(root().resolve("app/dev/parent")));
    }

    @Test
    void writesLeaveNoTemporaryFiles() throws Exception {
        for (int i = 0; i < 20; i++) {
            store.put(STAGE, "a", json("{\"i\":" + i + "}"));
        }
        try (Stream<Path> files = Files.list(root().resolve("app/dev"))) {
            assertEquals(List.of("a.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aDirectoryWhereARecordShouldBeIsATypedErrorNamingThePath() throws Exception {
        Files.createDirectories(root().resolve("app/dev/odd.json"));
        StateCorruptedException e = assertThrows(StateCorruptedException.class, () -> store.get(STAGE, "odd"));
        assertTrue(e.getMessage().contains("odd.json"), e.getMessage());
        assertThrows(StateCorruptedException.class, () -> store.put(STAGE, "odd", json("{}")));
        assertFalse(store.list(STAGE).contains("odd"));
    }

    @Test
    void oneListingTellsRecordsFromScopesWithOrWithoutSubdirectories() throws Exception {
        store.put(STAGE, "a", json("{}"));
        store.put(STAGE, "b.json", json("{}"));
        Files.writeString(root().resolve("app/dev/notes.txt"), "not a record");
        // No subdirectory yet: the directory's link count spares the stats.
        assertEquals(new StateStore.Contents(List.of("a", "b.json"), List.of()), store.contents(STAGE));
        // Resource "b.json" gets a child scope: a directory named like a record file, told apart by a stat.
        store.put(List.of("app", "dev", "b.json"), "kid", json("{}"));
        store.put(List.of("app", "dev", "c"), "kid", json("{}"));
        assertEquals(new StateStore.Contents(List.of("a", "b.json"), List.of("b.json", "c")), store.contents(STAGE));
        assertEquals(List.of("a", "b.json"), store.list(STAGE));
        assertEquals(List.of("b.json", "c"), store.listScopes(STAGE));
    }

    @Test
    void aScopeWithoutADirectoryListsEmptyAndAFileInItsPlaceIsAnErrorNamingIt() throws Exception {
        assertEquals(new StateStore.Contents(List.of(), List.of()), store.contents(STAGE));
        Files.createDirectories(root().resolve("app"));
        Files.writeString(root().resolve("app/dev"), "not a directory");
        StoreException e = assertThrows(StoreException.class, () -> store.contents(STAGE));
        assertTrue(e.getMessage().contains("cannot list") && e.getMessage().contains("app/dev"), e.getMessage());
    }

    @Test
    void aBatchReadReturnsWhatExistsInTheOrderAsked() {
        for (int i = 0; i < 200; i++) {
            store.put(STAGE, "r" + i, json("{\"i\":" + i + "}"));
        }
        List<String> asked = new java.util.ArrayList<>();
        for (int i = 199; i >= 0; i--) {
            asked.add("r" + i);
            asked.add("missing" + i);
        }
        java.util.Map<String, byte[]> found = store.getBatch(STAGE, asked);
        assertEquals(asked.stream().filter(id -> id.startsWith("r")).toList(), List.copyOf(found.keySet()));
        assertEquals("{\"i\":7}", new String(found.get("r7"), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void refusesScopesThatWouldLeaveTheRoot() {
        StoreException e = assertThrows(StoreException.class,
                () -> store.put(List.of("app", "..", ".."), "x", json("{}")));
        assertTrue(e.getMessage().contains("leave"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.json")));
        assertThrows(StoreException.class, () -> store.put(STAGE, "bad:id", json("{}")));
    }

    @Test
    void aFileInTheWayOfAScopeDirectoryIsAClearError() throws Exception {
        Files.createDirectories(root().resolve("app"));
        Files.writeString(root().resolve("app/dev"), "not a directory");
        StoreException e = assertThrows(StoreException.class, () -> store.put(STAGE, "x", json("{}")));
        assertTrue(e.getMessage().contains("app/dev"), e.getMessage());
    }

    @Test
    void opensFromAUriThroughServiceLoader() {
        StateStore viaUri = new run.alchemy.store.fs.internal.FileSystemStoreProvider()
                .open(java.net.URI.create("fs:" + root()));
        viaUri.put(STAGE, "u", json("{}"));
        assertTrue(store.get(STAGE, "u").isPresent());
        boolean found = java.util.ServiceLoader.load(run.alchemy.api.spi.StateStoreProvider.class).stream()
                .anyMatch(p -> p.get().scheme().equals("fs"));
        assertTrue(found, "fs provider registered in META-INF/services");
    }
}
