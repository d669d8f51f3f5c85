package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import run.alchemy.engine.VectorSupport.Vector;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.engine.VectorSupport.texts;

/** The vector trees as the FileSystemStateStore sees them: layout, {@code list()}, {@code listScopes()}, {@code get}. */
class VectorStoreTest {
    static final List<String> VECTORS = VectorSupport.NAMES;

    static Stream<Arguments> scopes() {
        List<Arguments> out = new ArrayList<>();
        for (String name : VECTORS) {
            VectorSupport.load(name).manifest().get("scopes").fieldNames()
                    .forEachRemaining(scope -> out.add(Arguments.of(name, scope)));
        }
        return out.stream();
    }

    static Stream<Arguments> files() {
        List<Arguments> out = new ArrayList<>();
        for (String name : VECTORS) {
            VectorSupport.load(name).files().keySet().forEach(path -> out.add(Arguments.of(name, path)));
        }
        return out.stream();
    }

    @Test
    void allVectorsArePresent() throws IOException {
        try (Stream<Path> dirs = Files.list(VectorSupport.resources())) {
            assertEquals(VECTORS, dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String name : VECTORS) {
            Vector v = VectorSupport.load(name);
            assertTrue(Files.isDirectory(v.alchemyRoot()), name + ": the hidden .alchemy tree was copied");
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("VECTORS")
    void manifestCoversEveryFileAndDirectory(String name) {
        Vector v = VectorSupport.load(name);
        List<String> treeFiles = texts(v.manifest().get("tree").get("files")).stream().sorted().toList();
        assertEquals(treeFiles, new ArrayList<>(VectorSupport.snapshot(v.stateDir()).keySet()), "files on disk");
        assertEquals(treeFiles, v.files().keySet().stream().sorted().toList(), "files with a manifest entry");
        assertEquals(texts(v.manifest().get("tree").get("directories")).stream().sorted().toList(),
                VectorSupport.directories(v.stateDir()), "directories on disk");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("scopes")
    void listAndListScopes(String name, String scope) {
        Vector v = VectorSupport.load(name);
        JsonNode expected = v.manifest().get("scopes").get(scope);
        List<String> chain = Arrays.asList(scope.split("/"));
        assertEquals(".alchemy/" + scope, expected.get("dir").asText(), "scope directory");
        assertTrue(Files.isDirectory(v.file(expected.get("dir").asText())), "directory exists");
        try (FileSystemStateStore store = new FileSystemStateStore(v.alchemyRoot())) {
            assertEquals(texts(expected.get("list")).stream().sorted().toList(),
                    store.list(chain).stream().sorted().toList(), "list() of " + scope);
            assertEquals(texts(expected.get("listScopes")).stream().sorted().toList(),
                    store.listScopes(chain).stream().sorted().toList(), "listScopes() of " + scope);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void getAndLocateEveryRecord(String name, String path) {
        Vector v = VectorSupport.load(name);
        JsonNode entry = v.entry(path);
        List<String> chain = texts(entry.get("scopeChain"));
        String id = entry.get("key").asText();
        try (FileSystemStateStore store = new FileSystemStateStore(v.alchemyRoot())) {
            assertTrue(store.list(chain).contains(id), id + " is listed in " + chain);
            Optional<byte[]> bytes = store.get(chain, id);
            assertTrue(bytes.isPresent(), "get(" + chain + ", " + id + ")");
            assertArrayEquals(v.bytes(path), bytes.get(), "bytes of " + path);
            assertEquals(v.file(path).toAbsolutePath().normalize().toString(), store.locate(chain, id));
            assertFalse(store.get(chain, id + "-missing").isPresent(), "a missing record is empty");
        }
    }
}
