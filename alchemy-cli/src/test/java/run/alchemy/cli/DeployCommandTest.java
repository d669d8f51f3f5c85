package run.alchemy.cli;

import run.alchemy.engine.StateStores;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeployCommandTest {
    @TempDir
    Path dir;
    Path state;
    String store;
    Cli cli;

    @BeforeEach
    void setUp() {
        state = dir.resolve(".alchemy");
        store = "fs:" + state;
        cli = new Cli().env("ALCHEMY_PASSWORD", "pw-1").env("API_KEY", "key-1");
    }

    // ------------------------------------------------------------------ stack building

    private static ObjectNode stack(String app, String stage) {
        ObjectNode s = Json.object();
        if (app != null) {
            s.put("app", app);
        }
        if (stage != null) {
            s.put("stage", stage);
        }
        s.putArray("resources");
        return s;
    }

    private static ObjectNode resource(ArrayNode into, String id, String kind) {
        ObjectNode r = into.addObject();
        r.put("id", id);
        r.put("kind", kind);
        return r.putObject("props");
    }

    private ObjectNode file(ArrayNode into, String id, String name, String content) {
        ObjectNode p = resource(into, id, "fs::File");
        p.put("path", dir.resolve("site").resolve(name).toString());
        p.put("content", content);
        return p;
    }

    private Path save(JsonNode stack, String name) {
        Path p = dir.resolve(name);
        Cli.write(p, Json.pretty(stack));
        return p;
    }

    /** Folder, file, value with a secret, and a child scope with a file. */
    private ObjectNode site(String readme, boolean withApi) {
        ObjectNode s = stack("my-app", "dev");
        ArrayNode r = (ArrayNode) s.get("resources");
        ObjectNode folder = resource(r, "site", "fs::Folder");
        folder.put("path", dir.resolve("site").toString());
        folder.put("clean", true);
        file(r, "readme", "README.md", readme);
        if (withApi) {
            ObjectNode api = resource(r, "api", "alchemy::Value");
            api.put("url", "https://x");
            api.putObject("key").put("@secretEnv", "API_KEY");
            api.putArray("tags").add("a").add(2);
        }
        ObjectNode child = s.putArray("scopes").addObject();
        child.put("name", "child");
        file(child.putArray("resources"), "note", "note.txt", "n");
        return s;
    }

    private Cli.Result deploy(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("deploy", "--file", file.toString(), "--store", store, "--json"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    private static Map<String, String> actions(JsonNode report) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode r : report.get("resources")) {
            out.put(r.get("scope").asText() + "/" + r.get("id").asText(), r.get("action").asText() + " " + r.get("kind").asText());
        }
        return out;
    }

    private static void counts(JsonNode report, int created, int updated, int replaced, int skipped, int deleted) {
        assertEquals(List.of(created, updated, replaced, skipped, deleted), List.of(report.get("created").asInt(),
                report.get("updated").asInt(), report.get("replaced").asInt(), report.get("skipped").asInt(),
                report.get("deleted").asInt()), report.toString());
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void createSkipUpdateDeleteDestroy() {
        Path v1 = save(site("hello", true), "v1.json");
        Cli.Result first = deploy(v1);
        assertEquals(0, first.code(), first.toString());
        JsonNode report = first.json();
        counts(report, 4, 0, 0, 0, 0);
        assertEquals(Map.of("my-app/dev/site", "created fs::Folder", "my-app/dev/readme", "created fs::File",
                "my-app/dev/api", "created alchemy::Value", "my-app/dev/child/note", "created fs::File"), actions(report));
        assertEquals("hello", Cli.read(dir.resolve("site/README.md")));
        assertEquals("n", Cli.read(dir.resolve("site/note.txt")));
        assertTrue(first.err().contains("deployed my-app/dev in " + store + ": 4 created"), first.err());

        Cli.Result again = deploy(v1);
        assertEquals(0, again.code(), again.toString());
        counts(again.json(), 0, 0, 0, 4, 0);

        Path v2 = save(site("hello again", false), "v2.json");
        Cli.Result changed = deploy(v2);
        assertEquals(0, changed.code(), changed.toString());
        counts(changed.json(), 0, 1, 0, 2, 1);
        assertEquals("updated fs::File", actions(changed.json()).get("my-app/dev/readme"));
        assertEquals("deleted alchemy::Value", actions(changed.json()).get("my-app/dev/api"));
        assertEquals("hello again", Cli.read(dir.resolve("site/README.md")));
        assertFalse(Files.exists(state.resolve("my-app/dev/api.json")));

        Cli.Result forced = deploy(v2, "--force");
        counts(forced.json(), 0, 3, 0, 0, 0);

        Cli.Result destroyed = cli.run("deploy", "--app", "my-app", "--stage", "dev", "--phase", "destroy", "--store", store);
        assertEquals(0, destroyed.code(), destroyed.toString());
        List<String> lines = Cli.lines(destroyed.out());
        assertTrue(lines.contains("[deleted]  my-app/dev/readme (fs::File)"), destroyed.out());
        assertTrue(lines.contains("[deleted]  my-app/dev/child/note (fs::File)"), destroyed.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("destroyed my-app/dev in " + store + ": "), destroyed.out());
        assertFalse(Files.exists(dir.resolve("site")), "the folder is gone");
        assertFalse(Files.exists(state.resolve("my-app/dev")), "the stage is gone");
    }

    @Test
    void textOutputIsAlchemysLogWithoutColourOffATerminal() {
        Cli.Result r = cli.run("deploy", "--file", save(site("x", true), "s.json").toString(), "--store", store);
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Cli.lines(r.out());
        assertEquals(List.of("[created]  my-app/dev/site (fs::Folder)", "[created]  my-app/dev/readme (fs::File)",
                "[created]  my-app/dev/api (alchemy::Value)", "[created]  my-app/dev/child/note (fs::File)"),
                lines.subList(0, 4));
        assertTrue(lines.get(4).matches("deployed my-app/dev in " + java.util.regex.Pattern.quote(store) + ": 4 created, 0 updated, 0 replaced, 0 skipped, 0 deleted"
                + " in [0-9.]+ s"), lines.get(4));
        assertFalse(r.out().contains("\u001b") || r.err().contains("\u001b"), "no escape codes off a terminal");
    }

    @Test
    void aValueNoLongerDeclaredIsDeletedThroughItsServiceLoaderRegistration() {
        ObjectNode values = stack("vals", "dev");
        resource((ArrayNode) values.get("resources"), "endpoint", "alchemy::Value").put("url", "https://a");
        assertEquals(0, deploy(save(values, "a.json")).code());
        assertTrue(Files.exists(state.resolve("vals/dev/endpoint.json")));
        // the second stack declares no alchemy::Value at all: only ServiceLoader can find its provider
        ObjectNode files = stack("vals", "dev");
        file((ArrayNode) files.get("resources"), "f", "f.txt", "x");
        Cli.Result r = deploy(save(files, "b.json"));
        assertEquals(0, r.code(), r.toString());
        assertEquals("deleted alchemy::Value", actions(r.json()).get("vals/dev/endpoint"));
        assertFalse(Files.exists(state.resolve("vals/dev/endpoint.json")));
    }

    @Test
    void aValuesOutputIsItsPropsAndItsSecretIsStoredEncrypted() {
        assertEquals(0, deploy(save(site("x", true), "s.json")).code());
        String stored = Cli.read(state.resolve("my-app/dev/api.json"));
        assertFalse(stored.contains("key-1"), "the secret is not stored in plain text:\n" + stored);
        JsonNode record = Json.parse(stored.getBytes(), "api.json", null);
        assertTrue(record.at("/props/key/@secret/ciphertext").isTextual(), stored);
        assertTrue(record.at("/output/key/@secret/ciphertext").isTextual(), stored);
        assertEquals("https://x", record.at("/output/url").asText());
        assertEquals("[\"a\",2]", Json.compact(record.at("/output/tags")));

        Cli.Result shown = cli.run("state", "show", "api", "--store", store, "--reveal", "--json");
        assertEquals(0, shown.code(), shown.toString());
        assertEquals("key-1", shown.json().at("/output/key").asText());
        assertEquals("key-1", shown.json().at("/props/key").asText());
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndNeedAPassword() {
        Path s = save(site("x", true), "s.json");
        Cli.Result missing = Cli.run(Map.of("ALCHEMY_PASSWORD", "pw"), "deploy", "-f", s.toString(), "--store", store);
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("$.resources[2].props.key: environment variable API_KEY is not set"), missing.err());

        Cli.Result noPassword = Cli.run(Map.of("API_KEY", "k"), "deploy", "-f", s.toString(), "--store", store);
        assertEquals(2, noPassword.code(), noPassword.toString());
        assertTrue(noPassword.err().contains("$.resources[2].props.key is a secret")
                && noPassword.err().contains("no password in ALCHEMY_PASSWORD"), noPassword.err());

        Cli.Result otherVariable = Cli.run(Map.of("API_KEY", "k", "MY_PW", "p"), "deploy", "-f", s.toString(),
                "--store", store, "--password-env", "MY_PW");
        assertEquals(0, otherVariable.code(), otherVariable.toString());
        Cli.Result unsetVariable = Cli.run(Map.of("API_KEY", "k"), "deploy", "-f", s.toString(),
                "--store", store, "--password-env", "NOT_SET");
        assertEquals(2, unsetVariable.code(), unsetVariable.toString());
        assertTrue(unsetVariable.err().contains("NOT_SET"), unsetVariable.err());

        ObjectNode inline = stack("a", "dev");
        resource((ArrayNode) inline.get("resources"), "v", "alchemy::Value").putObject("k").put("@secret", "x");
        Cli.Result refused = deploy(save(inline, "inline.json"));
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("$.resources[0].props.k: secrets are never written inline"), refused.err());

        ObjectNode inFile = stack("a", "dev");
        file((ArrayNode) inFile.get("resources"), "f", "f.txt", "x").putObject("content").put("@secretEnv", "API_KEY");
        Cli.Result notForFiles = deploy(save(inFile, "file.json"));
        assertEquals(2, notForFiles.code(), notForFiles.toString());
        assertTrue(notForFiles.err().contains("$.resources[0].props.content: only alchemy::Value props can hold secrets"),
                notForFiles.err());
    }

    @Test
    void aDestroyNeedsThePasswordOnlyWhenARecordHoldsASecret() {
        ObjectNode plain = stack("plain", "dev");
        resource((ArrayNode) plain.get("resources"), "v", "alchemy::Value").put("a", 1);
        file((ArrayNode) plain.get("resources"), "f", "plain.txt", "x");
        assertEquals(0, deploy(save(plain, "plain.json")).code());
        Cli.Result noSecret = Cli.run(Map.of(), "deploy", "--app", "plain", "--phase", "destroy", "--store", store);
        assertEquals(0, noSecret.code(), "nothing to decrypt, so no password is asked for: " + noSecret);
        assertFalse(Files.exists(dir.resolve("plain.txt")));

        assertEquals(0, deploy(save(site("x", true), "s.json")).code());
        Cli.Result noPassword = Cli.run(Map.of(), "deploy", "--app", "my-app", "--phase", "destroy", "--store", store);
        assertEquals(2, noPassword.code(), "as for deploy, a missing password is a usage error: " + noPassword);
        assertTrue(noPassword.err().contains("no password in ALCHEMY_PASSWORD"), noPassword.err());
        Cli.Result destroyed = cli.run("deploy", "--app", "my-app", "--phase", "destroy", "--store", store);
        assertEquals(0, destroyed.code(), destroyed.toString());
    }

    @Test
    void malformedStacksAreUsageErrorsWithTheJsonPathAndNothingIsWritten() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"a\", \"kind\": \"fs::File\"}, {\"id\": \"b\", \"kind\":"
                + " \"fs::File\"}, {\"id\": \"c\", \"kind\": \"x::Y\"}]}",
                "$.resources[2].kind: unknown kind \"x::Y\" (known: fs::File, fs::Folder, alchemy::Value)");
        cases.put("{\"app\": \"a\",\n \"resources\": [\n", "invalid JSON at line 3, column 1: Unexpected end-of-input:"
                + " expected close marker for Array");
        cases.put("[]", "$: expected an object");
        cases.put("{\"app\": \"a\", \"resources\": {}}", "$.resources: expected an array of resources, found an object");
        cases.put("{\"app\": \"a\", \"resources\": [{\"kind\": \"fs::File\"}]}", "$.resources[0].id: missing");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"fs::File\", \"props\": {\"content\": 3}}]}",
                "$.resources[0].props.content: expected a string, found a number");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"fs::Folder\", \"props\": {\"clean\": \"yes\"}}]}",
                "$.resources[0].props.clean: expected true or false, found a string");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"fs::File\", \"props\": {\"mode\": 1}}]}",
                "$.resources[0].props.mode: unknown key (expected path, content)");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\"},"
                + " {\"id\": \"x\", \"kind\": \"alchemy::Value\"}]}", "$.resources[1].id: duplicate id \"x\" (also at $.resources[0].id)");
        cases.put("{\"app\": \"a\", \"scopes\": [{\"name\": \"s\", \"scopes\": [{\"name\": \"t\", \"resources\": [{\"id\": \"v\","
                + " \"kind\": \"nope\"}]}]}]}", "$.scopes[0].scopes[0].resources[0].kind: unknown kind \"nope\"");
        // props are scanned, not parsed, while the file is checked: what the scan sees must still be refused
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\", \"props\":"
                + " {\"a\": [1, {\"b\": {\"@secret\": \"x\"}}]}}]}", "$.resources[0].props.a[1].b: secrets are never written inline");
        cases.put("{\"app\": \"a\", \"resources\": [{\"props\": {\"mode\": 1}, \"id\": \"x\", \"kind\": \"fs::File\"}]}",
                "$.resources[0].props.mode: unknown key (expected path, content)");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\", \"props\": [1]}]}",
                "$.resources[0].props: expected an object, found an array");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\", \"props\": {\"a\": {}, \"a\": 1}}]}",
                "Duplicate field 'a'");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\", \"props\": {\"a\": [nope]}}]}",
                "invalid JSON at line 1, column 82: Unrecognized token 'nope'");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\", \"props\": {\"k\": {\"@secretEnv\": 1}}}]}",
                "$.resources[0].props.k: expected {\"@secretEnv\": \"NAME\"}");
        cases.put("{\"app\": \"a\", \"extra\": 1}", "$.extra: unknown key (expected app, stage, resources, scopes)");
        cases.put("{\"app\": \"a\", \"app\": \"b\"}", "Duplicate field 'app'");
        cases.put("{\"resources\": []}", "no app: give \"app\" in the stack file or --app NAME");
        cases.put("{\"app\": \"a\"} {}", "at line 1, column 14: trailing content after the stack's object");
        cases.put("{\"app\": \"a\"} nope", "invalid JSON at line 1, column 14: Unrecognized token 'nope'");
        cases.put("", "empty file, expected JSON");
        cases.put("{\"app\": \"a\", \"scopes\": [{\"resources\": []}]}", "$.scopes[0].name: missing");
        cases.put("{\"app\": \"a\", \"resources\": [{\"id\": \"x\", \"kind\": \"alchemy::Value\"}],"
                + " \"scopes\": [{\"name\": \"x\"}]}", "$.scopes[0].name: \"x\" is already used at $.resources[0].id");
        int i = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = dir.resolve("bad-" + i++ + ".json");
            Cli.write(file, c.getKey());
            Cli.Result r = deploy(file);
            assertEquals(2, r.code(), c.getKey() + "\n" + r);
            List<String> err = r.err().lines().toList();
            assertEquals(2, err.size(), "one error line and one hint:\n" + r.err());
            assertTrue(err.get(0).startsWith("error: ") && err.get(0).contains(c.getValue()), c.getValue() + "\n" + r.err());
            assertTrue(err.get(1).startsWith("hint: "), r.err());
            assertEquals("", r.out());
        }
        Cli.Result absent = deploy(dir.resolve("missing.json"));
        assertEquals(2, absent.code());
        assertTrue(absent.err().contains("no stack file"), absent.err());
        assertFalse(Files.exists(state), "nothing was written for a bad stack");
    }

    @Test
    void aFailureMidwayFinalizesNothing() {
        ObjectNode first = stack("app", "dev");
        ArrayNode r = (ArrayNode) first.get("resources");
        resource(r, "kept", "alchemy::Value").put("v", 1);
        file(r, "page", "page.txt", "p");
        assertEquals(0, deploy(save(first, "1.json")).code());

        Cli.write(dir.resolve("blocker"), "a regular file");
        ObjectNode second = stack("app", "dev");
        ObjectNode broken = resource((ArrayNode) second.get("resources"), "broken", "fs::File");
        broken.put("path", dir.resolve("blocker/inside.txt").toString());
        broken.put("content", "x");
        Cli.Result failed = deploy(save(second, "2.json"));
        assertEquals(1, failed.code(), failed.toString());
        assertTrue(failed.err().startsWith("error: ") && failed.err().contains("app/dev/broken"), failed.err());
        assertTrue(failed.err().contains("hint: nothing was finalized"), failed.err());
        assertTrue(Files.exists(state.resolve("app/dev/kept.json")), "no finalize after a failure");
        assertTrue(Files.exists(state.resolve("app/dev/page.json")));
        assertEquals("p", Cli.read(dir.resolve("site/page.txt")));

        Cli.Result verbose = cli.run("deploy", "--file", dir.resolve("2.json").toString(), "--store", store, "--verbose");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("\tat run.alchemy."), "--verbose prints the stack trace:\n" + verbose.err());
        assertFalse(failed.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void phaseReadReadsStoredOutputsAndFailsForAResourceWithoutState() {
        Path s = save(site("x", true), "s.json");
        assertEquals(0, deploy(s).code());
        Cli.Result read = deploy(s, "--phase", "read");
        assertEquals(0, read.code(), read.toString());
        assertEquals(4, read.json().get("read").asInt());
        assertTrue(actions(read.json()).values().stream().allMatch(a -> a.startsWith("read ")), read.out());

        ObjectNode more = site("x", true);
        resource((ArrayNode) more.get("resources"), "never-deployed", "alchemy::Value");
        Cli.Result missing = deploy(save(more, "more.json"), "--phase", "read");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no state for resource my-app/dev/never-deployed"), missing.err());
        assertTrue(missing.err().contains("hint: deploy it first"), missing.err());
    }

    @Test
    void theSummaryNamesTheStoreWithoutCredentials() {
        assertEquals("fs:.alchemy", StateStores.describe("fs:.alchemy"));
        assertEquals("s3://my-state/web/?region=eu-west-1", StateStores.describe("s3://my-state/web/?region=eu-west-1"));
        assertEquals("do+https://…@host.example/x?token=…&prefix=p&secretKey=…",
                StateStores.describe("do+https://me:s3cret@host.example/x?token=abc&prefix=p&secretKey=k2"));
        Cli.Result r = deploy(save(site("x", false), "s.json"));
        assertEquals(store, r.json().get("store").asText());
    }

    @Test
    void theApiDeployAndStatePickTheSameDefaultStage() {
        List<Map<String, String>> envs = List.of(Map.of("STAGE", "s", "ALCHEMY_STAGE", "a", "USER", "u"),
                Map.of("ALCHEMY_STAGE", "a", "USER", "u", "USERNAME", "w"), Map.of("USER", "u", "USERNAME", "w"),
                Map.of("USERNAME", "w"), Map.of("STAGE", "", "USER", "u"), Map.of());
        int n = 0;
        for (Map<String, String> env : envs) {
            String where = "fs:" + dir.resolve("stages-" + n++);
            ObjectNode noStage = stack("app", null);
            resource((ArrayNode) noStage.get("resources"), "v", "alchemy::Value").put("a", 1);
            Cli.Result deployed = Cli.run(env, "deploy", "-f", save(noStage, "no-stage.json").toString(), "--store", where,
                    "--json");
            assertEquals(0, deployed.code(), deployed.toString());
            String stage = deployed.json().get("stage").asText();
            assertEquals(Alchemy.defaultStage(env), stage, env.toString());
            try (Alchemy a = Alchemy.app("app").environment(env).stateStore(where).phase(Phase.READ).open()) {
                assertEquals(stage, a.stage(), env.toString());
            }
            Cli.Result listed = Cli.run(env, "state", "list", "--store", where);
            assertEquals(0, listed.code(), listed.toString());
            assertTrue(listed.out().contains("in app/" + stage), env + ": " + listed);
            Cli.Result destroyed = Cli.run(env, "deploy", "--app", "app", "--phase", "destroy", "--store", where);
            assertTrue(destroyed.out().contains("destroyed app/" + stage + " in "), env + ": " + destroyed);
        }
    }

    @Test
    void flagsWinOverTheFileAndTheStageDefaultsLikeAlchemys() {
        Path s = save(site("x", false), "s.json");
        Cli.Result r = deploy(s, "--app", "other", "--stage", "qa");
        assertEquals(0, r.code(), r.toString());
        assertEquals("other", r.json().get("app").asText());
        assertTrue(Files.exists(state.resolve("other/qa/readme.json")));

        ObjectNode noStage = stack("st", null);
        resource((ArrayNode) noStage.get("resources"), "v", "alchemy::Value");
        Cli.Result fromEnv = Cli.run(Map.of("STAGE", "from-env"), "deploy", "-f", save(noStage, "n.json").toString(),
                "--store", store, "--json");
        assertEquals("from-env", fromEnv.json().get("stage").asText(), fromEnv.toString());
        Cli.Result fromUser = Cli.run(Map.of("USER", "alice"), "deploy", "-f", dir.resolve("n.json").toString(),
                "--store", store, "--json");
        assertEquals("alice", fromUser.json().get("stage").asText(), fromUser.toString());
    }

    @Test
    void aLockedStageFailsWithTheHolderAndAHint() {
        Path s = save(site("x", false), "s.json");
        assertEquals(0, deploy(s).code());
        // with a lock timeout the lock is taken at open (without one, only at the run's first write)
        try (Alchemy holder = Alchemy.app("my-app").stage("dev").phase(Phase.UP).lockTimeout(java.time.Duration.ofMillis(1))
                .stateStore(new FileSystemStateStore(state)).open()) {
            Cli.Result r = deploy(s);
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("stage my-app/dev is locked by run "), r.err());
            assertTrue(r.err().contains("hint: wait for that run, or if it is gone: alchemy state unlock"), r.err());
            assertTrue(holder.chain().contains("dev"));
        }
    }

    @Test
    void usageErrorsAreOneLineAndAHintWithExitCode2() {
        Cli.Result unknownOption = cli.run("deploy", "--fiel", "x.json");
        assertEquals(2, unknownOption.code());
        assertTrue(unknownOption.err().startsWith("error: Unknown options: '--fiel'"), unknownOption.err());
        assertTrue(unknownOption.err().contains("hint: 'alchemy deploy --help' shows the options and examples"),
                unknownOption.err());
        Cli.Result badPhase = cli.run("deploy", "--phase", "sideways");
        assertEquals(2, badPhase.code());
        assertTrue(badPhase.err().contains("sideways"), badPhase.err());
        Cli.Result noFile = cli.run("deploy", "--store", store);
        assertEquals(2, noFile.code());
        assertTrue(noFile.err().contains("deploy needs --file"), noFile.err());
        Cli.Result badStore = cli.run("deploy", "-f", save(site("x", false), "s.json").toString(), "--store", "gcs:bucket");
        assertEquals(2, badStore.code(), badStore.toString());
        assertTrue(badStore.err().contains("no state store for scheme \"gcs\"") && badStore.err().contains("installed: [do, do+http, do+https, fs, r2, s3]"),
                badStore.err());
    }
}
