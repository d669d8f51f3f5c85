package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state commands against state written by the real Alchemy 0.94: copies of the engine's vector trees
 * (password "vector-password-1"), with their MANIFEST.json telling every secret's plain value.
 */
class AlchemyStateTest {
    private static final String PASSWORD = "vector-password-1";

    @TempDir
    Path dir;

    private record Vector(Path root, String store, String app, String stage, JsonNode manifest) {
        /** The export key of a manifest file path: below the stage, ':' back to '/', no .json. */
        String key(String file) {
            String prefix = ".alchemy/" + app + "/" + stage + "/";
            if (!file.startsWith(prefix)) {
                return null;
            }
            return file.substring(prefix.length(), file.length() - ".json".length()).replace(':', '/');
        }
    }

    private Vector vector(String name) {
        Path root = Cli.vector(name, dir);
        JsonNode manifest = Json.parse(Cli.read(root.resolve("MANIFEST.json")).getBytes(), "MANIFEST.json", null);
        assertEquals(PASSWORD, manifest.get("password").asText());
        return new Vector(root, "fs:" + root.resolve(".alchemy"), manifest.get("app").asText(),
                manifest.get("stage").asText(), manifest);
    }

    private static Cli.Result state(Vector v, Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("state"));
        all.addAll(List.of(args));
        all.addAll(List.of("--store", v.store()));
        if (!all.contains("--stage")) {
            // Alchemy wrote the vector as stage "shared": the same default rule as a deploy's would not pick it
            all.addAll(List.of("--stage", v.stage()));
        }
        return Cli.run(env, all.toArray(String[]::new));
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    @Test
    void listAndExportShowEveryRecordExactlyAsAlchemyWroteIt() {
        Vector v = vector("basic");
        TreeSet<String> expected = new TreeSet<>();
        v.manifest().get("files").fieldNames().forEachRemaining(f -> {
            if (v.key(f) != null) {
                expected.add(v.key(f));
            }
        });
        assertTrue(expected.containsAll(List.of("api/v1/route", "parent/child-a", "group/inner/leaf")), expected.toString());

        JsonNode list = ok(state(v, Map.of(), "list", "--json")).json();
        TreeSet<String> listed = new TreeSet<>();
        list.forEach(r -> listed.add(r.get("id").asText()));
        assertEquals(expected, listed);

        JsonNode export = ok(state(v, Map.of(), "export")).json();
        assertEquals(expected, new TreeSet<>(fields(export)));
        Iterator<Map.Entry<String, JsonNode>> it = export.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Path file = v.root().resolve(".alchemy").resolve(v.app()).resolve(v.stage())
                    .resolve(e.getKey().replace('/', ':') + ".json");
            if (!Files.exists(file)) { // a child record: parent/child-a → parent/child-a.json
                file = v.root().resolve(".alchemy").resolve(v.app()).resolve(v.stage()).resolve(e.getKey() + ".json");
            }
            assertEquals(Cli.read(file), Json.pretty(e.getValue()), "byte for byte: " + e.getKey());
        }
        assertFalse(Files.exists(v.root().resolve(".alchemy/.alchemy-java")), "reading state starts no event log");
    }

    @Test
    void revealShowsEverySecretsPlainValueFromTheManifest() {
        for (String name : List.of("basic", "legacy")) {
            Vector v = vector(name);
            JsonNode export = ok(state(v, Map.of("ALCHEMY_PASSWORD", PASSWORD), "export", "--reveal")).json();
            int checked = 0;
            Iterator<Map.Entry<String, JsonNode>> files = v.manifest().get("files").properties().iterator();
            while (files.hasNext()) {
                Map.Entry<String, JsonNode> f = files.next();
                String key = v.key(f.getKey());
                for (JsonNode secret : f.getValue().path("secrets")) {
                    JsonNode shown = export.get(key).at(secret.get("pointer").asText());
                    assertEquals(secret.get("value"), shown, name + " " + key + secret.get("pointer").asText()
                            + " (" + secret.get("format").asText() + ")");
                    checked++;
                }
            }
            assertTrue(checked >= (name.equals("legacy") ? 6 : 10), name + ": checked " + checked);
            assertFalse(export.toString().contains("@secret"), export.toString());
        }
    }

    @Test
    void showMasksAndAWrongPasswordIsAFailureNamingFileAndPointerButNotTheValue() {
        Vector v = vector("basic");
        Cli.Result masked = ok(state(v, Map.of(), "show", "secret-string"));
        assertTrue(masked.out().contains("\"apiKey\": \"<secret>\""), masked.out());
        assertFalse(masked.out().contains("ciphertext"), masked.out());
        JsonNode revealed = ok(state(v, Map.of("P", PASSWORD), "show", "secret-object", "--reveal", "--password-env", "P",
                "--json")).json();
        assertEquals("{\"username\":\"admin\",\"port\":5432,\"tls\":true}", Json.compact(revealed.at("/props/credentials")));

        Cli.Result wrong = state(v, Map.of("ALCHEMY_PASSWORD", "not-it"), "show", "secret-string", "--reveal");
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().startsWith("error: secret at /output/apiKey of " + v.root().resolve(
                ".alchemy/vector-app/shared/secret-string.json") + ": wrong password"), wrong.err());
        assertFalse(wrong.err().contains("s3cr3t") || wrong.out().contains("s3cr3t"), "never the value");
        Cli.Result missing = state(v, Map.of(), "export", "--reveal");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--reveal needs the password"), missing.err());
    }

    @Test
    void withoutAnEventLogTheHistoryCommandsSaySoAndCreateNothing() {
        Vector v = vector("basic");
        String note = "vector-app/shared has no event log yet";
        assertTrue(ok(state(v, Map.of(), "history")).out().contains("no history: " + note), "history");
        assertTrue(ok(state(v, Map.of(), "runs")).out().contains("no runs: " + note));
        assertEquals("[]", ok(state(v, Map.of(), "runs", "--json")).out().strip());
        assertTrue(ok(state(v, Map.of(), "verify")).out().contains("nothing to verify: " + note));
        assertTrue(ok(state(v, Map.of(), "unlock")).out().contains("is not locked"));
        for (String[] cmd : List.of(new String[]{"replay", "--at", "1"}, new String[]{"rebuild"}, new String[]{"diff", "0", "1"})) {
            Cli.Result r = state(v, Map.of(), cmd);
            assertEquals(1, r.code(), String.join(" ", cmd) + ": " + r);
            assertTrue(r.err().contains("vector-app/shared has no event log, so nothing to"), r.err());
            assertTrue(r.err().contains("hint: the first alchemy-java run that writes to the stage"), r.err());
        }
        assertFalse(Files.exists(v.root().resolve(".alchemy/.alchemy-java")), "no log was started");
    }

    @Test
    void rotatingThePasswordImportsTheStageIntoALogAndReencrypts() {
        Vector v = vector("basic");
        Map<String, String> env = Map.of("ALCHEMY_PASSWORD", PASSWORD, "NEW", "new-password");
        JsonNode before = ok(state(v, Map.of(), "export")).json();
        Cli.Result rotated = ok(state(v, env, "rotate-password", "--new-password-env", "NEW"));
        assertTrue(rotated.out().contains("re-encrypted"), rotated.out());

        JsonNode runs = ok(state(v, Map.of(), "runs", "--json")).json();
        assertEquals(1, runs.size(), runs.toString());
        JsonNode history = ok(state(v, Map.of(), "history", "secret-string", "--json")).json();
        List<String> types = new ArrayList<>();
        history.forEach(e -> types.add(e.get("type").asText()));
        assertEquals(List.of("imported", "updated"), types);
        assertTrue(ok(state(v, Map.of(), "verify")).out().contains("records match the event log"));

        JsonNode revealed = ok(state(v, Map.of("ALCHEMY_PASSWORD", "new-password"), "show", "secret-string", "--reveal",
                "--json")).json();
        assertEquals("s3cr3t-value-1", revealed.at("/props/apiKey").asText());
        assertEquals(1, state(v, Map.of("ALCHEMY_PASSWORD", PASSWORD), "show", "secret-string", "--reveal").code());

        // replaying up to the last import gives the state as Alchemy left it, before the rotation
        long lastImport = 0;
        for (JsonNode e : ok(state(v, Map.of(), "history", "--json")).json()) {
            if (e.get("type").asText().equals("imported")) {
                lastImport = e.get("position").asLong();
            }
        }
        assertEquals(before, ok(state(v, Map.of(), "replay", "--at", String.valueOf(lastImport))).json());
        assertEquals(0, ok(state(v, Map.of(), "replay", "--at", String.valueOf(runs.get(0).get("from").asLong()))).json()
                .size());
        JsonNode after = ok(state(v, Map.of(), "replay", "--at", String.valueOf(runs.get(0).get("to").asLong()))).json();
        assertEquals(ok(state(v, Map.of(), "export")).json(), after);
        assertFalse(before.equals(after), "the rotation re-encrypted");
    }

    @Test
    void anExportOfAlchemysStateImportsIntoAnotherStageByteForByte() {
        Vector v = vector("basic");
        Path file = dir.resolve("export.json");
        Cli.write(file, ok(state(v, Map.of(), "export")).out());
        Cli.Result imported = ok(state(v, Map.of(), "import", file.toString(), "--stage", "copy"));
        assertTrue(imported.out().contains("imported 19 records into vector-app/copy: 19 new"), imported.out());
        assertTrue(imported.out().contains("each change is an imported event in the log"), imported.out());
        Path from = v.root().resolve(".alchemy/vector-app/shared");
        Path to = v.root().resolve(".alchemy/vector-app/copy");
        try (var walk = Files.walk(from)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                assertEquals(Cli.read(p), Cli.read(to.resolve(from.relativize(p).toString())), p.toString());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals("s3cr3t-value-1", ok(state(v, Map.of("ALCHEMY_PASSWORD", PASSWORD), "show", "secret-string",
                "--stage", "copy", "--reveal", "--json")).json().at("/output/apiKey").asText());
    }

    private static List<String> fields(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
