package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.engine.Alchemy;
import run.alchemy.providers.core.Values;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state commands against a stage written by the engine (two deploys through the CLI, one through the API). */
class StateCommandTest {
    @TempDir
    Path dir;
    Path state;
    String store;
    Cli cli;

    @BeforeEach
    void deployTwice() {
        state = dir.resolve(".alchemy");
        store = "fs:" + state;
        cli = new Cli().env("ALCHEMY_PASSWORD", "pw-1").env("API_KEY", "key-1");
        ok(cli.run("deploy", "-f", stack("v1", true), "--store", store));
        ok(cli.run("deploy", "-f", stack("v2", false), "--store", store));
    }

    /** readme (fs::File) with {@code content}, api (a value with a string and an object secret) when {@code withApi}, child/note. */
    private String stack(String content, boolean withApi) {
        String site = dir.resolve("site").toString();
        String api = withApi ? ", {\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"url\": \"https://x\","
                + " \"key\": {\"@secretEnv\": \"API_KEY\"}}}" : "";
        String text = "{\"app\": \"my-app\", \"stage\": \"dev\", \"resources\": ["
                + "{\"id\": \"readme\", \"kind\": \"fs::File\", \"props\": {\"path\": \"" + site + "/README.md\", \"content\": \""
                + content + "\"}}" + api + ", {\"id\": \"keep\", \"kind\": \"alchemy::Value\", \"props\": {\"n\": 1}}],"
                + " \"scopes\": [{\"name\": \"child\", \"resources\": [{\"id\": \"note\", \"kind\": \"alchemy::Value\","
                + " \"props\": {\"x\": true}}]}]}";
        Path p = dir.resolve("stack-" + content + ".json");
        Cli.write(p, text);
        return p.toString();
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    private Cli.Result state(String... args) {
        List<String> all = new ArrayList<>(List.of("state"));
        all.addAll(List.of(args));
        all.addAll(List.of("--store", store));
        return cli.run(all.toArray(String[]::new));
    }

    private static List<String> fields(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------ records

    @Test
    void listShowsEveryRecordOfTheStageOrOfAScope() {
        Cli.Result r = ok(state("list"));
        List<String> lines = Cli.lines(r.out());
        assertEquals(List.of("ID          KIND            STATUS", "child       alchemy::Scope  created",
                "child/note  alchemy::Value  created", "keep        alchemy::Value  created",
                "readme      fs::File        updated", "4 resources in my-app/dev (" + store + ")"), lines);

        JsonNode json = ok(state("list", "--json")).json();
        assertEquals(4, json.size());
        assertEquals(List.of("id", "scope", "kind", "status", "fqn"), fields(json.get(1)));
        assertEquals("child/note", json.get(1).get("id").asText());
        assertEquals("my-app/dev/child", json.get(1).get("scope").asText());
        assertEquals("my-app/dev/child/note", json.get(1).get("fqn").asText());

        JsonNode scoped = ok(state("list", "--scope", "child", "--json")).json();
        assertEquals(1, scoped.size());
        assertEquals("note", scoped.get(0).get("id").asText());
        Cli.Result noScope = state("list", "--scope", "nope");
        assertEquals(2, noScope.code(), noScope.toString());
        assertTrue(noScope.err().contains("no scope nope in my-app/dev"), noScope.err());
    }

    @Test
    void showMasksSecretsUnlessRevealedWithThePassword() {
        ok(cli.run("deploy", "-f", stack("v3", true), "--store", store));
        Cli.Result masked = ok(state("show", "api"));
        assertTrue(masked.out().startsWith("my-app/dev/api (alchemy::Value, created)\n"), masked.out());
        assertTrue(masked.out().contains("\"key\": \"<secret>\""), masked.out());
        assertFalse(masked.out().contains("key-1") || masked.out().contains("ciphertext"), masked.out());
        assertTrue(Cli.lines(masked.out()).get(Cli.lines(masked.out()).size() - 1)
                .endsWith("; secrets masked (--reveal shows them)"), masked.out());

        JsonNode revealed = ok(state("show", "api", "--reveal", "--json")).json();
        assertEquals("key-1", revealed.at("/props/key").asText());
        assertEquals("https://x", revealed.at("/output/url").asText());

        Cli.Result noPassword = Cli.run(Map.of(), "state", "show", "api", "--reveal", "--store", store);
        assertEquals(2, noPassword.code(), noPassword.toString());
        assertTrue(noPassword.err().startsWith("error: --reveal needs the password, and ALCHEMY_PASSWORD is not set\n"
                + "hint: set ALCHEMY_PASSWORD, or name the variable that holds it with --password-env NAME"), noPassword.err());
        Cli.Result wrong = Cli.run(Map.of("ALCHEMY_PASSWORD", "nope"), "state", "show", "api", "--reveal", "--store", store);
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("secret at /output/key of " + state.resolve("my-app/dev/api.json")
                + ": wrong password"), wrong.err());
        assertTrue(wrong.err().contains("hint: check the password"), wrong.err());
        Cli.Result other = Cli.run(Map.of("MY_PW", "pw-1"), "state", "show", "api", "--reveal", "--password-env", "MY_PW",
                "--store", store, "--json");
        assertEquals("key-1", other.json().at("/output/key").asText(), other.toString());

        Cli.Result unknown = state("show", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no resource \"nope\" in my-app/dev"), unknown.err());
        JsonNode nested = ok(state("show", "child/note", "--json")).json();
        assertEquals("my-app/dev/child/note", nested.get("fqn").asText());
    }

    @Test
    void exportIsEveryRecordExactlyAsStoredAndImportWritesTheSameBytes() throws Exception {
        ok(cli.run("deploy", "-f", stack("v3", true), "--store", store));
        Cli.Result exported = ok(state("export"));
        JsonNode all = exported.json();
        assertEquals(List.of("api", "child", "child/note", "keep", "readme"), fields(all));
        Iterator<Map.Entry<String, JsonNode>> it = all.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(Cli.read(state.resolve("my-app/dev/" + e.getKey() + ".json")), Json.pretty(e.getValue()),
                    "record " + e.getKey() + " as stored");
        }
        assertTrue(all.at("/api/props/key/@secret/ciphertext").isTextual(), "secrets stay encrypted");
        assertTrue(exported.err().contains("exported 5 records of my-app/dev (secrets encrypted, as stored)"), exported.err());

        Path file = dir.resolve("export.json");
        Cli.write(file, exported.out());
        Cli.Result imported = ok(state("import", file.toString(), "--app", "my-app", "--stage", "copy"));
        assertTrue(imported.out().contains("imported 5 records into my-app/copy: 5 new, 0 replaced, 0 unchanged"), imported.out());
        for (String id : List.of("api", "child", "child/note", "keep", "readme")) {
            assertEquals(Cli.read(state.resolve("my-app/dev/" + id + ".json")), Cli.read(state.resolve("my-app/copy/" + id + ".json")));
        }
        // the copy's secrets open with the same password
        assertEquals("key-1", ok(state("show", "api", "--stage", "copy", "--reveal", "--json")).json().at("/props/key").asText());
        // importing into the stage it came from changes nothing
        assertTrue(ok(state("import", file.toString(), "--stage", "dev")).out().contains("5 unchanged; nothing changed"));

        JsonNode revealed = ok(state("export", "--reveal", "--stage", "dev")).json();
        assertEquals("key-1", revealed.at("/api/props/key").asText());
        assertFalse(revealed.toString().contains("@secret"), revealed.toString());
        JsonNode scoped = ok(state("export", "--scope", "child", "--stage", "dev")).json();
        assertEquals(List.of("note"), fields(scoped));
    }

    @Test
    void importAppendsImportedEventsThroughTheEngineAndTheNextRunAdoptsNothing() {
        JsonNode all = ok(state("export")).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) all.get("keep").get("props")).put("n", 2);
        Path file = dir.resolve("changed.json");
        Cli.write(file, Json.pretty(all));
        long head = ok(state("runs", "--json")).json().get(1).get("to").asLong();
        Cli.Result r = ok(state("import", file.toString()));
        assertTrue(r.out().contains("1 replaced, 3 unchanged; each change is an imported event in the log"), r.out());
        ok(state("verify")); // the import wrote the log first, then projected it: nothing is behind or changed
        JsonNode runs = ok(state("runs", "--json")).json();
        assertEquals(3, runs.size(), "the import is a run of its own: " + runs);
        assertEquals("alchemy state import", runs.get(2).get("program").asText());
        assertEquals(head + 1, runs.get(2).get("from").asLong());
        List<String> types = new ArrayList<>();
        ok(state("history", "keep", "--json")).json().forEach(e -> types.add(e.get("type").asText()));
        assertEquals("imported", types.get(types.size() - 1), types.toString());

        ok(cli.run("deploy", "-f", stack("v2", false), "--store", store)); // keep goes back to n=1
        types.clear();
        ok(state("history", "keep", "--json")).json().forEach(e -> types.add(e.get("type").asText()));
        assertFalse(types.contains("external-change"), types.toString());
        assertEquals("updated", types.get(types.size() - 1), types.toString());
    }

    @Test
    void importIntoALockedStageIsRefusedAndWritesNothing() {
        Path file = dir.resolve("export.json");
        Cli.write(file, ok(state("export")).out());
        // with a lock timeout the lock is taken at open (without one, only at the run's first write)
        Alchemy holder = Alchemy.app("my-app").stage("copy").stateStore(store).lockTimeout(java.time.Duration.ofMillis(1)).open();
        try {
            Cli.Result r = state("import", file.toString(), "--app", "my-app", "--stage", "copy");
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("my-app/copy is locked by"), r.err());
        } finally {
            holder.close();
        }
        assertFalse(Files.exists(state.resolve("my-app/copy/keep.json")));
    }

    @Test
    void importRefusesWhatIsNotAnExport() {
        Map<String, String> cases = Map.of(
                "[1]", "$: expected an object mapping resource ids to records, found an array",
                "{\"a\": 1}", "$.a: expected a record (an object), found a number",
                "{\"a\": {\"id\": \"a\"}}", "$.a.kind: a record needs its kind (a string)",
                "{\"x/a\": {\"kind\": \"k\", \"id\": \"b\"}}", "$[\"x/a\"].id: the key \"x/a\" must be the id \"b\"",
                "{\"a\": {\"kind\": \"k\", \"props\": {\"key\": \"<secret>\"}}}", "\"<secret>\" at /props/key: a masked record",
                "{\"../a\": {\"kind\": \"k\", \"id\": \"a\"}}", "is not a valid path of scopes and an id",
                "{\"a\": ", "invalid JSON at line 1");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = dir.resolve("bad.json");
            Cli.write(file, c.getKey());
            Cli.Result r = state("import", file.toString(), "--stage", "dev");
            assertEquals(2, r.code(), c.getKey() + "\n" + r);
            assertTrue(r.err().contains(c.getValue()), c.getValue() + "\n" + r.err());
            assertTrue(r.err().contains("hint: import takes the JSON object printed by 'alchemy state export'"), r.err());
        }
        assertEquals(2, state("import", dir.resolve("missing.json").toString()).code());
    }

    // ------------------------------------------------------------------ history

    @Test
    void runsListEachRunWithCountsAndTheLogPositionsItSpans() {
        JsonNode runs = ok(state("runs", "--json")).json();
        assertEquals(2, runs.size(), runs.toString());
        JsonNode first = runs.get(0);
        assertEquals(List.of("id", "actor", "pid", "phase", "program", "started", "finished", "durationMillis", "outcome",
                "counts", "from", "to", "message", "commit", "failure", "resources"), fields(first));
        assertEquals("up", first.get("phase").asText());
        assertEquals("succeeded", first.get("outcome").asText());
        assertEquals("alchemy deploy", first.get("program").asText());
        assertEquals("{\"created\":4,\"updated\":0,\"replaced\":0,\"deleted\":0,\"skipped\":0,\"failed\":0}",
                Json.compact(first.get("counts")));
        assertEquals("{\"created\":0,\"updated\":1,\"replaced\":0,\"deleted\":1,\"skipped\":2,\"failed\":0}",
                Json.compact(runs.get(1).get("counts")));
        assertEquals(1, first.get("from").asLong());
        assertEquals(first.get("to").asLong() + 1, runs.get(1).get("from").asLong());
        assertTrue(first.get("actor").asText().contains("@"));
        assertFalse(first.get("started").asText().compareTo(first.get("finished").asText()) > 0);

        // from and to are the run's first and last events
        JsonNode events = ok(state("history", "--json")).json();
        assertEquals(runs.get(1).get("to").asLong(), events.get(events.size() - 1).get("position").asLong());
        for (JsonNode e : events) {
            if (e.get("position").asLong() == first.get("from").asLong()) {
                assertEquals("run-started", e.get("type").asText());
            }
            if (e.get("position").asLong() == first.get("to").asLong()) {
                assertEquals("run-finished", e.get("type").asText());
            }
        }
        Cli.Result text = ok(state("runs"));
        assertTrue(Cli.lines(text.out()).get(0).startsWith("POSITIONS"), text.out());
        assertTrue(text.out().contains("2 runs of my-app/dev, " + events.size() + " events in the log"), text.out());
    }

    @Test
    void runsWithAScopeAreTheRunsThatTouchedIt() {
        // the first deploy created child/note, the second changed nothing in child
        JsonNode child = ok(state("runs", "--scope", "child", "--json")).json();
        assertEquals(1, child.size(), child.toString());
        JsonNode all = ok(state("runs", "--json")).json();
        assertEquals(all.get(0).get("id"), child.get(0).get("id"));
        Cli.Result text = ok(state("runs", "--scope", "child"));
        assertTrue(text.out().contains("1 run that touched my-app/dev/child, of my-app/dev"), text.out());
        assertEquals(0, ok(state("runs", "--scope", "nothing/here", "--json")).json().size());
    }

    @Test
    void historyOfTheStageAndOfOneResource() {
        JsonNode events = ok(state("history", "readme", "--json")).json();
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        assertEquals(List.of("declared", "creating", "created", "updating", "updated"), types);
        assertEquals("my-app/dev", events.get(0).get("scope").asText());
        assertEquals("fs::File", events.get(0).get("kind").asText());
        JsonNode api = ok(state("history", "api", "--json")).json();
        assertEquals("deleted", api.get(api.size() - 1).get("type").asText(), "a deleted resource still has a history");
        assertTrue(api.get(api.size() - 1).get("removed").asBoolean());

        Cli.Result text = ok(state("history"));
        Pattern line = Pattern.compile("\\s*(\\d+)  \\S+Z  [0-9a-f]{8}  (\\S+)\\s+(.*)");
        long previous = 0;
        for (String l : text.out().lines().toList().subList(0, (int) text.out().lines().count() - 1)) {
            Matcher m = line.matcher(l);
            assertTrue(m.matches(), l);
            assertEquals(previous + 1, Long.parseLong(m.group(1)), "every position, in order: " + l);
            previous = Long.parseLong(m.group(1));
        }
        assertTrue(text.out().contains("run-started     by "), text.out());
        Cli.Result scoped = ok(state("history", "--scope", "child", "--json"));
        scoped.json().forEach(e -> assertTrue(!e.has("scope") || e.get("scope").asText().startsWith("my-app/dev/child"),
                e.toString()));
        Cli.Result none = state("history", "nope");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no events for \"nope\" in my-app/dev"), none.err());
    }

    @Test
    void diffAndReplayBetweenTheTwoRuns() {
        JsonNode runs = ok(state("runs", "--json")).json();
        long endOfFirst = runs.get(0).get("to").asLong();
        long endOfSecond = runs.get(1).get("to").asLong();

        JsonNode diff = ok(state("diff", String.valueOf(endOfFirst), String.valueOf(endOfSecond), "--json")).json();
        List<String> changes = new ArrayList<>();
        diff.forEach(c -> changes.add(c.get("id").asText() + c.get("pointer").asText() + " " + c.get("change").asText()
                + (c.get("secret").asBoolean() ? " secret" : "")));
        assertTrue(changes.contains("readme/props/content changed"), changes.toString());
        assertTrue(changes.contains("api removed"), changes.toString());
        for (JsonNode c : diff) {
            if (c.get("pointer").asText().equals("/props/content")) {
                assertEquals("v1", c.get("before").asText());
                assertEquals("v2", c.get("after").asText());
            }
        }
        Cli.Result text = ok(state("diff", String.valueOf(endOfFirst), String.valueOf(endOfSecond)));
        assertTrue(text.out().contains("changed my-app/dev/readme/props/content: \"v1\" -> \"v2\""), text.out());

        JsonNode then = ok(state("replay", "--at", String.valueOf(endOfFirst))).json();
        assertEquals(List.of("api", "child", "child/note", "keep", "readme"), fields(then));
        assertEquals("v1", then.at("/readme/props/content").asText());
        assertTrue(then.at("/api/props/key/@secret").isObject(), "as stored");
        JsonNode now = ok(state("replay", "--at", String.valueOf(endOfSecond))).json();
        assertEquals(ok(state("export")).json(), now, "replaying to the head gives the export");
        JsonNode revealed = ok(state("replay", "--at", String.valueOf(endOfFirst), "--reveal")).json();
        assertEquals("key-1", revealed.at("/api/output/key").asText());
        JsonNode before = ok(state("replay", "--at", "0")).json();
        assertEquals(0, before.size());

        String started = runs.get(1).get("started").asText();
        JsonNode atTime = ok(state("replay", "--at", java.time.Instant.parse(started).minusMillis(1).toString())).json();
        assertEquals(then, atTime, "the state just before the second run started");

        assertEquals(now, ok(state("replay", "--at", "99999")).json(), "past the head is the head");
        Cli.Result garbage = state("replay", "--at", "yesterday");
        assertEquals(2, garbage.code());
        assertTrue(garbage.err().contains("expected a log position (e.g. 12) or an ISO-8601 time"), garbage.err());
    }

    // ------------------------------------------------------------------ maintenance

    @Test
    void verifyFindsAChangedSnapshotAndRebuildRestoresIt() {
        Cli.Result fine = ok(state("verify"));
        assertTrue(fine.out().contains("verified my-app/dev: 4 records match the event log"), fine.out());
        Path readme = state.resolve("my-app/dev/readme.json");
        String original = Cli.read(readme);
        Cli.write(readme, original.replace("\"v2\"", "\"tampered\""));
        Cli.write(state.resolve("my-app/dev/stray.json"), "{\"kind\": \"x\", \"status\": \"created\"}");

        Cli.Result bad = state("verify");
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.out().contains("changed outside the log (a run adopts them when it reads them; 'state rebuild'"
                + " restores the log's version):\n  my-app/dev/readme  " + readme + "  different at "), bad.out());
        assertTrue(bad.out().contains("/props/content"), bad.out());
        assertTrue(bad.out().contains("  my-app/dev/stray  " + state.resolve("my-app/dev/stray.json")
                + "  untracked (unknown to the log)"), bad.out());
        assertTrue(bad.out().contains("verify failed for my-app/dev: 0 behind, 2 changed, 0 damaged of 4 records in the log"
                + " (0 missing, 1 different, 1 untracked)"), bad.out());
        assertTrue(bad.err().contains("hint: 'alchemy state rebuild'"), bad.err());
        JsonNode report = state("verify", "--json").json();
        assertFalse(report.get("ok").asBoolean());
        assertEquals("[\"my-app/dev/readme\"]", Json.compact(report.get("different")));
        JsonNode first = report.get("records").get(0);
        assertEquals("readme", first.get("id").asText());
        assertEquals("changed", first.get("kind").asText());
        assertEquals("different", first.get("difference").asText());
        assertTrue(first.get("pointers").toString().contains("\"/props/content\""), first.toString());

        Cli.Result rebuilt = ok(state("rebuild"));
        assertTrue(rebuilt.out().contains("rebuilt my-app/dev: 1 snapshot rewritten from the log, 3 already matched,"
                + " 1 untracked left alone"), rebuilt.out());
        assertEquals(original, Cli.read(readme));
        Cli.Result still = state("verify");
        assertEquals(1, still.code(), "the untracked record is still there");
        assertTrue(still.out().contains("(0 missing, 0 different, 1 untracked)"), still.out());
    }

    @Test
    void aDamagedSnapshotIsNeverAdoptedVerifyListsItAndRebuildRestoresIt() {
        Path keep = state.resolve("my-app/dev/keep.json");
        String original = Cli.read(keep);
        for (String damage : List.of("garbage", original.substring(0, original.length() / 2))) {
            Cli.write(keep, damage);
            Cli.Result deploy = cli.run("deploy", "-f", stack("v2", false), "--store", store);
            assertEquals(1, deploy.code(), deploy.toString());
            assertTrue(deploy.err().contains("corrupt state in " + keep), deploy.err());
            assertEquals(damage, Cli.read(keep), "left as found");
            List<String> types = new ArrayList<>();
            ok(state("history", "keep", "--json")).json().forEach(e -> types.add(e.get("type").asText()));
            assertFalse(types.contains("external-change"), "damage never enters the log: " + types);

            Cli.Result verify = state("verify");
            assertEquals(1, verify.code(), verify.toString());
            assertTrue(verify.out().contains("damaged (not a state record: runs refuse them; 'state rebuild' restores the"
                    + " log's version):\n  my-app/dev/keep  " + keep + "  corrupt state in " + keep), verify.out());
            assertTrue(verify.out().contains("0 behind, 0 changed, 1 damaged"), verify.out());
            assertEquals("damaged", state("verify", "--json").json().get("records").get(0).get("kind").asText());

            Cli.Result rebuilt = ok(state("rebuild"));
            assertTrue(rebuilt.out().contains("1 snapshot rewritten from the log"), rebuilt.out());
            assertEquals(original, Cli.read(keep));
            ok(state("verify"));
            Cli.Result again = ok(cli.run("deploy", "-f", stack("v2", false), "--store", store));
            assertTrue(again.out().contains("[skipped]  my-app/dev/keep"), again.out());
            assertEquals("v2", ok(state("replay", "--at", String.valueOf(ok(state("runs", "--json")).json().get(1)
                    .get("to").asLong()))).json().at("/readme/props/content").asText(), "the log replays to its head");
        }
    }

    @Test
    void verifySaysWhatAnInterruptedRunLeftBehindTheLog() throws Exception {
        JsonNode runs = ok(state("runs", "--json")).json();
        long endOfFirst = runs.get(0).get("to").asLong();
        // the second run's appends are in the log, its projection of readme is not, nor its mark
        Path readme = state.resolve("my-app/dev/readme.json");
        Cli.write(readme, Cli.read(readme).replace("\"v2\"", "\"v1\""));
        Files.writeString(state.resolve(".alchemy-java/my-app/dev/projected"), Long.toString(endOfFirst));

        Cli.Result verify = state("verify");
        assertEquals(1, verify.code(), verify.toString());
        assertTrue(verify.out().contains("behind the log (an interrupted run left them to project: the next run or 'state"
                + " rebuild' projects them):\n  my-app/dev/readme  " + readme + "  different at "), verify.out());
        assertTrue(verify.out().contains("1 behind, 0 changed, 0 damaged"), verify.out());
        JsonNode json = state("verify", "--json").json();
        assertEquals("behind", json.get("records").get(0).get("kind").asText());
        assertEquals(endOfFirst, json.get("projected").asLong());

        ok(cli.run("deploy", "-f", stack("v2", false), "--store", store)); // its open projects readme
        ok(state("verify"));
        assertTrue(Cli.read(readme).contains("\"v2\""));
    }

    @Test
    void aDestroyedStageIsFoundByItsLogAndReadingCreatesNoLog() {
        ok(cli.run("deploy", "--app", "my-app", "--stage", "dev", "--phase", "destroy", "--store", store));
        assertFalse(Files.exists(state.resolve("my-app/dev")), "no records left");
        JsonNode runs = ok(state("runs", "--json")).json();
        assertEquals(3, runs.size(), "the stage is found through its event log: " + runs);
        Cli.Result none = state("runs", "--stage", "nope");
        assertEquals(2, none.code(), none.toString());
        assertFalse(Files.exists(state.resolve(".alchemy-java/my-app/nope")), "asking creates no log");
    }

    @Test
    void unlockShowsADamagedLeaseWithItsBytesAndClearsIt() throws Exception {
        try (Alchemy app = Alchemy.app("my-app").stage("dev").stateStore(new FileSystemStateStore(state)).open()) {
            app.toString(); // takes and releases the lease: the stage has a log
        }
        String name = "lock/00000000000000000099";
        Path lease = state.resolve(".alchemy-java/my-app/dev/" + name);
        java.nio.file.Files.writeString(lease, "not a lease at all");
        Cli.Result who = state("unlock");
        assertEquals(2, who.code(), who.toString());
        assertTrue(who.err().contains("damaged lease") && who.err().contains("\"not a lease at all\"")
                && who.err().contains(name), who.err());
        assertTrue(who.err().contains("hint: alchemy state unlock " + name), who.err());
        Cli.Result json = state("unlock", "--json");
        assertTrue(json.out().contains("\"damaged\""), json.toString());

        Cli.Result cleared = ok(state("unlock", name));
        assertTrue(cleared.out().contains("cleared a damaged lease"), cleared.out());
        assertTrue(ok(state("unlock")).out().contains("not locked"));
    }

    @Test
    void unlockNeedsTheLockIdOfTheHolder() {
        assertTrue(ok(state("unlock")).out().contains("my-app/dev is not locked"));
        try (Alchemy holder = Alchemy.app("my-app").stage("dev").phase(Phase.READ)
                .stateStore(new FileSystemStateStore(state)).open()) {
            // READ takes no lock; an UP run does
            assertTrue(ok(state("unlock")).out().contains("not locked"), holder.toString());
        }
        // with a lock timeout the lock is taken at open (without one, only at the run's first write)
        Alchemy holder = Alchemy.app("my-app").stage("dev").stateStore(new FileSystemStateStore(state))
                .lockTimeout(java.time.Duration.ofMillis(1)).open();
        try {
            Cli.Result who = state("unlock");
            assertEquals(2, who.code(), who.toString());
            Matcher m = Pattern.compile("lock id ([0-9a-f-]{36})").matcher(who.err());
            assertTrue(m.find(), who.err());
            String lockId = m.group(1);
            assertTrue(who.err().contains("hint: alchemy state unlock " + lockId), who.err());

            Cli.Result wrong = state("unlock", "not-the-id");
            assertEquals(1, wrong.code());
            assertTrue(wrong.err().contains("lock id not-the-id does not hold my-app/dev"), wrong.err());

            Cli.Result released = ok(state("unlock", lockId));
            assertTrue(released.out().contains("unlocked my-app/dev"), released.out());
            assertTrue(ok(state("unlock")).out().contains("not locked"));
        } finally {
            try {
                holder.close();
            } catch (RuntimeException lostItsLock) {
                // the holder was unlocked under it
            }
        }
    }

    @Test
    void rotatePasswordReencryptsEverySecret() {
        ok(cli.run("deploy", "-f", stack("v3", true), "--store", store));
        String before = Cli.read(state.resolve("my-app/dev/api.json"));
        cli.env("NEW_PW", "pw-2");
        Cli.Result dry = ok(state("rotate-password", "--new-password-env", "NEW_PW", "--dry-run", "--json"));
        assertTrue(dry.json().get("dryRun").asBoolean());
        assertEquals(2, dry.json().get("secrets").asInt());
        assertEquals(before, Cli.read(state.resolve("my-app/dev/api.json")), "a dry run writes nothing");

        Cli.Result done = ok(state("rotate-password", "--new-password-env", "NEW_PW"));
        assertTrue(done.out().contains("re-encrypted 2 secrets in 1 record (5 records read) of my-app/dev"), done.out());
        assertNotEquals(before, Cli.read(state.resolve("my-app/dev/api.json")));
        assertEquals("key-1", Cli.run(Map.of("ALCHEMY_PASSWORD", "pw-2"), "state", "show", "api", "--reveal", "--json",
                "--store", store).json().at("/props/key").asText());
        assertEquals(1, state("show", "api", "--reveal").code(), "the old password no longer opens it");

        Cli.Result missing = state("rotate-password", "--new-password-env", "UNSET");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("UNSET is not set"), missing.err());
        assertEquals(2, state("rotate-password").code(), "--new-password-env is required");
    }

    @Test
    void aStageWrittenThroughTheApiIsReadTheSame() {
        try (Alchemy app = Alchemy.app("api-app").stage("prod").password("pw-1")
                .stateStore(new FileSystemStateStore(state)).open()) {
            app.apply("cfg", Values.VALUE, Json.object().put("region", "eu").set("token",
                    Json.NODES.pojoNode(Secret.of("t0k3n"))));
        }
        Cli.Result list = ok(state("list", "--app", "api-app", "--stage", "prod"));
        assertTrue(list.out().contains("cfg  alchemy::Value  created"), list.out());
        assertEquals("t0k3n", ok(state("show", "cfg", "--app", "api-app", "--stage", "prod", "--reveal", "--json")).json()
                .at("/output/token").asText());
        JsonNode runs = ok(state("runs", "--app", "api-app", "--stage", "prod", "--json")).json();
        assertEquals(1, runs.size());
        assertEquals(1, runs.get(0).at("/counts/created").asInt());
    }

    @Test
    void aStageTheCommandDeployedIsDestroyedByAPlainJavaProgram() {
        // No provider given: alchemy::Value is found in alchemy-providers-core, fs::File in alchemy-providers-fs.
        List<String> deleted = new ArrayList<>();
        Alchemy.app("my-app").stage("dev").phase(Phase.DESTROY).password("pw-1")
                .stateStore(new FileSystemStateStore(state))
                .listener(o -> deleted.add(o.action().tag() + " " + o.fqn() + " " + o.kind()))
                .run(app -> { });
        assertEquals(List.of("[deleted] my-app/dev/child alchemy::Scope", "[deleted] my-app/dev/child/note alchemy::Value",
                "[deleted] my-app/dev/keep alchemy::Value",
                "[deleted] my-app/dev/readme fs::File"), deleted.stream().sorted().toList());
        assertFalse(Files.exists(dir.resolve("site/README.md")));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badTargetsAreUsageErrors() {
        Cli.Result scheme = cli.run("state", "list", "--store", "gcs:bucket");
        assertEquals(2, scheme.code(), scheme.toString());
        assertTrue(scheme.err().startsWith("error: no state store for scheme \"gcs\" in \"gcs:bucket\"; installed: [do, do+http, do+https, fs, r2, s3]"),
                scheme.err());
        assertTrue(scheme.err().contains("hint: --store takes the URI of an installed store"), scheme.err());

        Cli.Result stage = state("list", "--stage", "nope");
        assertEquals(2, stage.code());
        assertTrue(stage.err().startsWith("error: no stage \"nope\" of app \"my-app\" in " + store + " (stages: dev)\n"),
                stage.err());
        for (String cmd : List.of("show x", "export", "history", "runs", "diff 0 1", "replay --at 1", "verify",
                "rebuild", "unlock")) {
            List<String> args = new ArrayList<>(List.of(cmd.split(" ")));
            args.addAll(List.of("--stage", "nope"));
            Cli.Result r = state(args.toArray(String[]::new));
            assertEquals(2, r.code(), cmd + ": " + r);
            assertTrue(r.err().contains("no stage \"nope\""), cmd + ": " + r.err());
        }
        Cli.Result app = state("list", "--app", "my-ap");
        assertEquals(2, app.code());
        assertTrue(app.err().startsWith("error: no app \"my-ap\" (apps: my-app)\n"), app.err());
        Cli.Result empty = cli.run("state", "list", "--store", "fs:" + dir.resolve("empty"));
        assertEquals(2, empty.code());
        assertTrue(empty.err().startsWith("error: no state in fs:" + dir.resolve("empty") + " (" + dir.resolve("empty") + ")\n"),
                empty.err());
        assertFalse(Files.exists(dir.resolve("empty")), "reading creates nothing");
        Cli.Result relative = cli.run("state", "list", "--app", "my-app", "--store", "fs:target/no-state-here");
        assertEquals(2, relative.code());
        assertTrue(relative.err().startsWith("error: no state in fs:target/no-state-here ("
                + Path.of("target/no-state-here").toAbsolutePath() + ")\n"), relative.err());

        ok(cli.run("deploy", "-f", stack("v1", true), "--store", store, "--stage", "qa"));
        assertTrue(ok(state("list")).out().contains("in my-app/dev"), "the default stage, as deploy's: dev");
        assertTrue(ok(Cli.run(Map.of("USER", "qa"), "state", "list", "--store", store)).out().contains("in my-app/qa"));
        Cli.Result alice = Cli.run(Map.of("USER", "alice"), "state", "list", "--store", store);
        assertEquals(2, alice.code());
        assertTrue(alice.err().contains("no stage \"alice\" of app \"my-app\" in " + store + " (stages: dev, qa)"), alice.err());
        assertTrue(alice.err().contains("hint: --stage NAME selects the stage (default: STAGE, ALCHEMY_STAGE, USER, USERNAME, then dev)"),
                alice.err());

        Cli.Result missingArg = state("show");
        assertEquals(2, missingArg.code());
        assertTrue(missingArg.err().contains("Missing required parameter: 'ID'"), missingArg.err());
    }
}
