package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.api.StateCorruptedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    @TempDir
    Path dir;

    private Runs deployed(Thing thing) {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            app.apply("good", thing, new Thing.Props("g"));
            app.apply("victim", thing, new Thing.Props("v"));
        }
        return runs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\n  \"kind\": \"test::Thing\",\n  \"id\": \"vic", "[1, 2]", "{\"kind\": 1}", "{} trailing"})
    void corruptStateIsATypedErrorNamingTheFileAndNothingElseIsTouched(String content) throws Exception {
        Thing thing = new Thing();
        Runs runs = deployed(thing);
        Files.writeString(runs.file("app/dev/victim.json"), content);
        Map<String, String> before = runs.snapshot();
        thing.calls.clear();
        try (Alchemy app = runs.up()) {
            app.apply("good", thing, new Thing.Props("g2"));
            StateCorruptedException e = assertThrows(StateCorruptedException.class,
                    () -> app.apply("victim", thing, new Thing.Props("v")));
            assertTrue(e.getMessage().contains("victim.json"), e.getMessage());
            assertTrue(e.location().endsWith("app/dev/victim.json"), e.location());
        }
        assertEquals(before.get("app/dev/victim.json"), runs.snapshot().get("app/dev/victim.json"));
        assertTrue(runs.snapshot().containsKey("app/dev/good.json"), "a failed run deletes no orphans");
        assertEquals(1, thing.calls.size(), "only 'good' was updated");
    }

    @Test
    void aDirectoryInPlaceOfARecordIsATypedErrorBeforeTheProviderIsCalled() throws Exception {
        Runs runs = new Runs(dir);
        Files.createDirectories(runs.file("app/dev/odd.json"));
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            StateCorruptedException e = assertThrows(StateCorruptedException.class,
                    () -> app.apply("odd", thing, new Thing.Props("o")));
            assertTrue(e.getMessage().contains("odd.json") && e.getMessage().contains("directory"), e.getMessage());
            app.apply("even", thing, new Thing.Props("e"));
        }
        assertEquals(List.of("create app/dev/even"), thing.calls.stream().map(Thing.Call::brief).toList(),
                "the provider was not asked to create what could not be recorded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../escape", "a/../../b", ".", "/abs", "a//b", "trailing/", "a:b", "nul\u0000", "tab\t", ""})
    void idsThatCouldEscapeOrAreInvalidAreRefusedBeforeAnythingIsWritten(String id) {
        Runs runs = new Runs(dir);
        try (Alchemy app = runs.up()) {
            InvalidIdException e = assertThrows(InvalidIdException.class,
                    () -> app.apply(id, new Thing(), new Thing.Props("x")));
            assertTrue(e.getMessage().contains("app/dev"), e.getMessage());
            assertThrows(InvalidIdException.class, () -> app.scope(id, s -> { }));
        }
        assertEquals(Map.of(), runs.snapshot());
        assertFalse(Files.exists(dir.resolve("escape.json")));
    }

    @Test
    void stageAndAppNamesAreCheckedToo() {
        Runs runs = new Runs(dir);
        assertThrows(InvalidIdException.class, () -> runs.builder("..", run.alchemy.api.Phase.UP).open());
        assertThrows(InvalidIdException.class, () -> Alchemy.app("../x").stage("dev")
                .stateStore("fs:" + runs.root).open());
    }

    @Test
    void secretsAreNeverWrittenInPlainTextAndNeedThePassword() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        String plain = "hunter2-plaintext-value";
        try (Alchemy app = runs.up()) {
            app.apply("s", thing, new Thing.Props("s", null, Secret.of(plain)));
        }
        String file = runs.read("app/dev/s.json");
        assertFalse(file.contains(plain), file);
        assertTrue(file.contains("\"@secret\": {\n") && file.contains("\"version\": \"v1\""), file);

        try (Alchemy app = runs.up()) {
            Thing.Output out = app.apply("s", thing, new Thing.Props("s", null, Secret.of(plain)));
            assertEquals(plain, out.token().reveal());
            assertEquals("Secret(******)", out.token().toString());
        }
        assertEquals("[skipped] app/dev/s", runs.actions().get(0), "comparison is on plaintext, not ciphertext");
        assertEquals(file, runs.read("app/dev/s.json"));

        try (Alchemy app = runs.builder("dev", run.alchemy.api.Phase.UP).password("wrong").open()) {
            SecretException e = assertThrows(SecretException.class,
                    () -> app.apply("s", thing, new Thing.Props("s", null, Secret.of(plain))));
            assertTrue(e.getMessage().contains("s.json") && e.getMessage().contains("/token"), e.getMessage());
            assertFalse(e.getMessage().contains(plain));
        }
        try (Alchemy app = Alchemy.app("app").stage("dev").environment(Map.of())
                .stateStore(new run.alchemy.store.fs.FileSystemStateStore(runs.root)).open()) {
            SecretException e = assertThrows(SecretException.class,
                    () -> app.apply("new", thing, new Thing.Props("n", null, Secret.of(plain))));
            assertTrue(e.getMessage().contains("password"), e.getMessage());
        }
    }
}
