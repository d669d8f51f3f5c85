package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.Phase;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids and scope names that would escape the state directory, or name one file for two ids, are
 * refused before anything is written, with the id named; nothing in or beside the state directory
 * changes.
 */
class HostileIdsTest {
    @TempDir
    Path dir;

    private final Thing thing = new Thing();

    private Stage stage() {
        return Alchemy.app("app").stage("dev").phase(Phase.UP).environment(Map.of())
                .stateStore(new FileSystemStateStore(dir.resolve("work/.alchemy")));
    }

    /** Every file under the temporary directory (the state, its log, and a neighbour) with its content. */
    private Map<String, String> everything() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/lock"))
                    .forEach(p -> files.put(dir.relativize(p).toString(), read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deployGood() throws IOException {
        Files.createDirectories(dir.resolve("neighbour"));
        Files.writeString(dir.resolve("neighbour/keep.json"), "{\"mine\":true}");
        stage().run(a -> a.apply("good", thing, new Thing.Props("good")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "../neighbour/keep", "a/../../neighbour/keep", "/etc/passwd", "a//b", "trailing/", "a:b",
            "nul\u0000", "line\nbreak", "del\u007f",
            "thing.json", "Thing.JSON", "nested/thing.json",
            "e\u0301", // é as e + combining acute: macOS stores it as its NFC form U+00E9
            "\u212B", // ANGSTROM SIGN, whose NFC form is U+00C5
    })
    void aHostileResourceIdIsRefusedAndNothingIsTouched(String id) throws IOException {
        deployGood();
        Map<String, String> before = everything();
        InvalidIdException e = assertThrows(InvalidIdException.class,
                () -> stage().run(a -> a.apply(id, thing, new Thing.Props("x"))));
        assertEquals(id, e.id());
        assertTrue(e.getMessage().startsWith("invalid id \""), e.getMessage());
        assertEquals(before, everything(), "nothing written, nothing removed: " + e.getMessage());
    }

    @Test
    void anIdTooLongForAFileNameIsRefusedWithItsLength() throws IOException {
        deployGood();
        String ascii = "a".repeat(251);
        String accented = "\u00e9".repeat(126); // 252 bytes in UTF-8, 126 characters
        for (String id : new String[] {ascii, accented}) {
            InvalidIdException e = assertThrows(InvalidIdException.class,
                    () -> stage().run(a -> a.apply(id, thing, new Thing.Props("x"))));
            assertTrue(e.getMessage().contains("bytes in UTF-8; at most 250"), e.getMessage());
        }
        stage().run(a -> {
            a.apply("good", thing, new Thing.Props("good"));
            a.apply("b".repeat(250), thing, new Thing.Props("longest"));
        });
        assertTrue(Files.exists(dir.resolve("work/.alchemy/app/dev/" + "b".repeat(250) + ".json")),
                "250 bytes is the longest id, and it is written");
    }

    @Test
    void twoIdsThatDifferOnlyInCaseAreRefusedInOneScope() throws IOException {
        deployGood();
        InvalidIdException e = assertThrows(InvalidIdException.class, () -> stage().run(a -> {
            a.apply("good", thing, new Thing.Props("good"));
            a.apply("Server", thing, new Thing.Props("one"));
            a.apply("SERVER", thing, new Thing.Props("two"));
        }));
        assertEquals("SERVER", e.id());
        assertTrue(e.getMessage().contains("differs from \"Server\""), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("work/.alchemy/app/dev/SERVER.json")));
        stage().run(a -> {
            a.apply("good", thing, new Thing.Props("good"));
            a.apply("Server", thing, new Thing.Props("one"));
            a.scope("other", s -> s.apply("SERVER", thing, new Thing.Props("two")));
        });
        assertTrue(Files.exists(dir.resolve("work/.alchemy/app/dev/other/SERVER.json")), "other scopes are other folders");
    }

    @Test
    void hostileScopeStageAndAppNamesAreRefusedToo() throws IOException {
        deployGood();
        Map<String, String> before = everything();
        InvalidIdException scope = assertThrows(InvalidIdException.class,
                () -> stage().run(a -> a.scope("data.json", s -> s.apply("x", thing, new Thing.Props("x")))));
        assertEquals("data.json", scope.id());
        InvalidIdException stageName = assertThrows(InvalidIdException.class, () -> Alchemy.app("app").stage("../prod")
                .environment(Map.of()).stateStore(new FileSystemStateStore(dir.resolve("work/.alchemy")))
                .run(a -> a.apply("x", thing, new Thing.Props("x"))));
        assertEquals("../prod", stageName.id());
        InvalidIdException app = assertThrows(InvalidIdException.class, () -> Alchemy.app("cafe\u0301").stage("dev")
                .environment(Map.of()).stateStore(new FileSystemStateStore(dir.resolve("work/.alchemy")))
                .run(a -> a.apply("x", thing, new Thing.Props("x"))));
        assertTrue(app.getMessage().contains("U+0301"), app.getMessage());
        assertEquals(before, everything());
    }
}
