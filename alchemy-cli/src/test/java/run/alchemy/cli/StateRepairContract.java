package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.engine.Alchemy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code state rm}, {@code state mv} and {@code state restore} against a stage two deploys wrote, on one store
 * (the subclasses: the file system, and S3): what each changes, that the log still verifies, what the next
 * deploy makes of it, and that every refusal and every dry run leaves each stored byte as it was.
 */
abstract class StateRepairContract {
    @TempDir
    Path dir;
    String store;
    Cli cli;

    /** A new, empty store for this test: its URI. */
    abstract String newStore();

    /**
     * Every file or object of the store with what tells a write: its bytes (or ETag) and its time. Equal
     * snapshots: nothing was written, changed or deleted, the lock included.
     */
    abstract Map<String, String> snapshot();

    /** Deletes the stage's event log, leaving its records: a stage as Alchemy alone writes it. */
    abstract void dropLog();

    @BeforeEach
    void deployTwice() {
        store = newStore();
        cli = new Cli().env("ALCHEMY_PASSWORD", "pw-1").env("API_KEY", "key-1");
        deploy(stack("v1", true, "keep", false, "child"));
        deploy(stack("v2", false, "keep", false, "child"));
    }

    /**
     * readme (fs::File) with {@code content}; api (a value with a secret) when {@code withApi}; the value
     * {@code keepId} in the stage, or in the scope when {@code keepInScope}; the scope {@code scope} holding note.
     */
    String stack(String content, boolean withApi, String keepId, boolean keepInScope, String scope) {
        String site = dir.resolve("site").toString();
        String api = withApi ? ", {\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"url\": \"https://x\","
                + " \"key\": {\"@secretEnv\": \"API_KEY\"}}}" : "";
        String keep = "{\"id\": \"" + keepId + "\", \"kind\": \"alchemy::Value\", \"props\": {\"n\": 1}}";
        String text = "{\"app\": \"my-app\", \"stage\": \"dev\", \"resources\": ["
                + "{\"id\": \"readme\", \"kind\": \"fs::File\", \"props\": {\"path\": \"" + site + "/README.md\","
                + " \"content\": \"" + content + "\"}}" + api + (keepInScope ? "" : ", " + keep) + "],"
                + " \"scopes\": [{\"name\": \"" + scope + "\", \"resources\": [{\"id\": \"note\", \"kind\": \"alchemy::Value\","
                + " \"props\": {\"x\": true}}" + (keepInScope ? ", " + keep : "") + "]}]}";
        Path p = dir.resolve("stack-" + content + "-" + withApi + "-" + keepId + "-" + keepInScope + "-" + scope + ".json");
        Cli.write(p, text);
        return p.toString();
    }

    Cli.Result deploy(String stack) {
        return ok(cli.run("deploy", "-f", stack, "--store", store));
    }

    static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    Cli.Result state(String... args) {
        List<String> all = new ArrayList<>(List.of("state"));
        all.addAll(List.of(args));
        all.addAll(List.of("--store", store));
        return cli.run(all.toArray(String[]::new));
    }

    /** Runs a command that must be refused with exit 2 and change nothing; returns its stderr. */
    String refused(String... args) {
        Map<String, String> before = snapshot();
        Cli.Result r = state(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r);
        assertEquals(before, snapshot(), String.join(" ", args) + ": a refusal writes nothing");
        return r.err();
    }

    void verifies() {
        Cli.Result r = ok(state("verify"));
        assertTrue(r.out().contains("verified my-app/dev: "), r.out());
    }

    List<String> ids() {
        List<String> out = new ArrayList<>();
        ok(state("list", "--json")).json().forEach(r -> out.add(r.get("id").asText()));
        return out;
    }

    List<String> types(String id) {
        List<String> out = new ArrayList<>();
        ok(state("history", id, "--json")).json().forEach(e -> out.add(e.get("type").asText()));
        return out;
    }

    JsonNode runs() {
        return ok(state("runs", "--json")).json();
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    // ------------------------------------------------------------------ rm

    @Test
    void rmRemovesTheRecordAloneAndTheNextDeployCreatesTheResourceAgain() {
        Path readme = dir.resolve("site/README.md");
        assertEquals("v2", Cli.read(readme));
        Cli.Result r = ok(state("rm", "readme", "--json"));
        assertEquals("{\"removed\":[\"my-app/dev/readme\"]}", Json.compact(r.json()));
        assertTrue(r.err().contains("removed 1 record from my-app/dev (forgotten events in the log); the real resources"
                + " were not touched, and the next deploy that declares them creates them again"), r.err());
        assertEquals("v2", Cli.read(readme), "the file itself is not touched");
        assertEquals(List.of("child", "child/note", "keep"), ids());
        assertEquals("forgotten", types("readme").get(types("readme").size() - 1));
        verifies();
        JsonNode last = runs().get(2);
        assertEquals("alchemy state rm", last.get("program").asText());

        Cli.Result again = deploy(stack("v2", false, "keep", false, "child"));
        assertTrue(again.out().contains("[created]  my-app/dev/readme (fs::File)"), again.out());
        assertTrue(again.out().contains("[skipped]  my-app/dev/keep"), again.out());
        verifies();

        // ids are relative to --scope, as state show takes them
        Cli.Result scoped = ok(state("rm", "note", "--scope", "child"));
        assertEquals("removed my-app/dev/child/note", lines(scoped.out()).get(0));
        assertEquals(List.of("child", "keep", "readme"), ids());
        verifies();
        assertTrue(deploy(stack("v2", false, "keep", false, "child")).out().contains("[created]  my-app/dev/child/note"));
    }

    @Test
    void rmRefusesARecordWithRecordsUnderItUnlessRecursive() {
        String err = refused("rm", "child");
        assertTrue(err.contains("cannot forget my-app/dev/child: it has 1 record under it (my-app/dev/child/note)"), err);
        assertTrue(err.contains("hint: --recursive removes the records under it too"), err);
        assertEquals(List.of("child", "child/note", "keep", "readme"), ids());

        Cli.Result r = ok(state("rm", "child", "keep", "--recursive"));
        List<String> out = lines(r.out());
        assertEquals(List.of("removed my-app/dev/child/note", "removed my-app/dev/child", "removed my-app/dev/keep"),
                out.subList(0, 3), r.out());
        assertTrue(out.get(3).startsWith("removed 3 records from my-app/dev"), r.out());
        assertTrue(out.get(3).contains("the real resources were not touched"), r.out());
        assertEquals(List.of("readme"), ids());
        verifies();

        Cli.Result again = deploy(stack("v2", false, "keep", false, "child"));
        assertTrue(again.out().contains("[created]  my-app/dev/child/note"), again.out());
        assertTrue(again.out().contains("[created]  my-app/dev/keep"), again.out());
        assertTrue(again.out().contains("[skipped]  my-app/dev/readme"), again.out());
        assertEquals(List.of("child", "child/note", "keep", "readme"), ids());
        verifies();
    }

    @Test
    void rmRefusesAMissingIdNamingTheNearestAndRemovesNothing() {
        String err = refused("rm", "keep", "kep");
        assertTrue(err.contains("error: no state for resource my-app/dev/kep ("), err);
        assertTrue(err.contains("nothing to forget; the nearest ids in my-app/dev: keep"), err);
        assertTrue(err.contains("hint: 'alchemy state list' shows the ids"), err);
        String nested = refused("rm", "child/nte");
        assertTrue(nested.contains("no state for resource my-app/dev/child/nte (")
                && nested.contains("the nearest ids in my-app/dev/child: note"), nested);
        assertTrue(refused("rm", "keep", "--scope", "nope").contains("no scope nope in my-app/dev"));
        assertTrue(refused("rm").contains("Missing required parameter: 'ID'"));
        assertEquals(List.of("child", "child/note", "keep", "readme"), ids());
        assertEquals(2, runs().size(), "no run was appended");
    }

    // ------------------------------------------------------------------ mv

    @Test
    void mvRenamesARecordAndTheNextDeployDeclaringTheNewIdSkipsIt() {
        Cli.Result r = ok(state("mv", "keep", "kept"));
        List<String> out = lines(r.out());
        assertEquals("moved my-app/dev/keep → my-app/dev/kept", out.get(0), r.out());
        assertTrue(out.get(1).startsWith("moved 1 record in my-app/dev (moved events in the log); the real resources were"
                + " not touched: the next deploy that declares kept in my-app/dev finds its record there"), r.out());
        assertEquals(List.of("child", "child/note", "kept", "readme"), ids());
        assertEquals("my-app/dev/kept", ok(state("show", "kept", "--json")).json().get("fqn").asText());
        assertEquals(List.of("moved"), types("kept"));
        verifies();

        Cli.Result deploy = deploy(stack("v2", false, "kept", false, "child"));
        assertTrue(deploy.out().contains("[skipped]  my-app/dev/kept (alchemy::Value)"), deploy.out());
        assertTrue(deploy.out().contains("0 created, 0 updated, 0 replaced, 3 skipped, 0 deleted"), deploy.out());
        verifies();
    }

    @Test
    void mvMovesARecordToAnotherScopeAndTheRecordsUnderItFollow() {
        JsonNode into = ok(state("mv", "keep", "keep", "--to-scope", "child", "--json")).json();
        assertEquals("{\"moved\":[{\"from\":\"my-app/dev/keep\",\"to\":\"my-app/dev/child/keep\"}]}", Json.compact(into));
        verifies();
        Cli.Result inScope = deploy(stack("v2", false, "keep", true, "child"));
        assertTrue(inScope.out().contains("[skipped]  my-app/dev/child/keep (alchemy::Value)"), inScope.out());
        assertTrue(inScope.out().contains("0 created, 0 updated, 0 replaced, 3 skipped, 0 deleted"), inScope.out());

        // the scope's record and every record under it
        Cli.Result scope = ok(state("mv", "child", "box"));
        assertEquals(List.of("moved my-app/dev/child → my-app/dev/box", "moved my-app/dev/child/keep → my-app/dev/box/keep",
                "moved my-app/dev/child/note → my-app/dev/box/note"), lines(scope.out()).subList(0, 3), scope.out());
        assertTrue(lines(scope.out()).get(3).startsWith("moved 3 records in my-app/dev"), scope.out());
        assertEquals(List.of("box", "box/keep", "box/note", "readme"), ids());
        verifies();
        Cli.Result renamed = deploy(stack("v2", false, "keep", true, "box"));
        assertTrue(renamed.out().contains("[skipped]  my-app/dev/box/note") && renamed.out().contains(
                "[skipped]  my-app/dev/box/keep"), renamed.out());
        assertTrue(renamed.out().contains("0 created, 0 updated, 0 replaced, 3 skipped, 0 deleted"), renamed.out());

        // out of a scope into the stage: --to-scope /; FROM relative to --scope
        Cli.Result out = ok(state("mv", "keep", "keep", "--scope", "box", "--to-scope", "/"));
        assertEquals("moved my-app/dev/box/keep → my-app/dev/keep", lines(out.out()).get(0), out.out());
        verifies();
        Cli.Result back = deploy(stack("v2", false, "keep", false, "box"));
        assertTrue(back.out().contains("[skipped]  my-app/dev/keep"), back.out());
        assertTrue(back.out().contains("0 created, 0 updated, 0 replaced, 3 skipped, 0 deleted"), back.out());
        verifies();
    }

    @Test
    void mvRefusesWhatItCannotMoveAndChangesNothing() {
        String missing = refused("mv", "kep", "kept");
        assertTrue(missing.contains("no state for resource my-app/dev/kep (") && missing.contains(
                "nothing to move; the nearest ids in my-app/dev: keep"), missing);
        String taken = refused("mv", "keep", "readme");
        assertTrue(taken.contains("cannot move my-app/dev/keep to my-app/dev/readme: a record is already there"), taken);
        String noScope = refused("mv", "keep", "keep", "--to-scope", "nope");
        assertTrue(noScope.contains("its scope my-app/dev/nope has no record"), noScope);
        String under = refused("mv", "child", "inner", "--to-scope", "child");
        assertTrue(under.contains("the new address is under the record itself"), under);
        String badScope = refused("mv", "keep", "keep", "--to-scope", "a//b");
        assertTrue(badScope.contains("--to-scope a//b: each segment must be a scope name"), badScope);
        String badId = refused("mv", "keep", "a:b");
        assertTrue(badId.contains("invalid id \"a:b\""), badId);
        assertEquals(List.of("child", "child/note", "keep", "readme"), ids());
        assertEquals(2, runs().size(), "no run was appended");
        verifies();
    }

    // ------------------------------------------------------------------ restore

    @Test
    void restoreDryRunWritesNothingAndListsTheChangesTheRestoreThenMakes() {
        JsonNode runs = runs();
        long endOfFirst = runs.get(0).get("to").asLong();
        long head = runs.get(1).get("to").asLong();
        Map<String, String> before = snapshot();

        Cli.Result dryText = ok(state("restore", "--at", String.valueOf(endOfFirst), "--dry-run"));
        Cli.Result dry = ok(state("restore", "--at", String.valueOf(endOfFirst), "--dry-run", "--json"));
        assertEquals(before, snapshot(), "a dry run writes nothing, takes no lock");
        JsonNode plan = dry.json();
        assertTrue(plan.get("dryRun").asBoolean());
        assertEquals(List.of(endOfFirst, 1L, 1L, 0L), List.of(plan.get("position").asLong(), plan.get("added").asLong(),
                plan.get("changed").asLong(), plan.get("removed").asLong()), plan.toString());
        List<String> changes = new ArrayList<>();
        plan.get("changes").forEach(c -> changes.add(c.get("fqn").asText() + c.get("pointer").asText() + " "
                + c.get("change").asText()));
        assertTrue(changes.contains("my-app/dev/api added"), changes.toString());
        assertTrue(changes.contains("my-app/dev/readme/props/content changed"), changes.toString());
        assertTrue(dry.err().contains("dry run: restoring my-app/dev to log position " + endOfFirst + " would add 1 record,"
                + " change 1 and remove 0; nothing was written; the real resources are not touched: deploy to bring them"
                + " in line with the restored state"), dry.err());
        List<String> dryLines = lines(dryText.out());
        assertTrue(dryLines.contains("changed my-app/dev/readme/props/content: \"v2\" -> \"v1\""), dryText.out());
        assertEquals(changes.size() + 1, dryLines.size(), "a line per change, as state diff prints them: " + dryText.out());

        Cli.Result done = ok(state("restore", "--at", String.valueOf(endOfFirst), "--json"));
        JsonNode report = done.json();
        assertFalse(report.get("dryRun").asBoolean());
        assertEquals(plan.get("changes"), report.get("changes"), "the restore makes the changes its dry run listed");
        assertEquals(List.of(1L, 1L, 0L), List.of(report.get("added").asLong(), report.get("changed").asLong(),
                report.get("removed").asLong()));
        assertTrue(done.err().contains("restored my-app/dev to log position " + endOfFirst + ": 1 record added, 1 changed,"
                + " 0 removed (restored events in the log); the real resources are not touched"), done.err());
        assertNotEquals(before, snapshot());
        verifies();
        // the log tells the same changes, and the stage is what it was then
        long after = runs().get(2).get("to").asLong();
        assertEquals(head + 1, runs().get(2).get("from").asLong());
        assertEquals(plan.get("changes"), ok(state("diff", String.valueOf(head), String.valueOf(after), "--json")).json());
        assertEquals(ok(state("replay", "--at", String.valueOf(endOfFirst))).json(), ok(state("export")).json());
        assertEquals("v2", Cli.read(dir.resolve("site/README.md")), "the file itself is not touched");

        Cli.Result same = ok(state("restore", "--at", String.valueOf(endOfFirst)));
        assertTrue(same.out().contains("my-app/dev already is as it was at log position " + endOfFirst
                + ": nothing to restore"), same.out());
        assertEquals(3, runs().size(), "restoring the state the stage is in appends nothing");

        // the next deploy reconciles the resources with the restored records: readme back to v2, api deleted
        Cli.Result deploy = deploy(stack("v2", false, "keep", false, "child"));
        assertTrue(deploy.out().contains("[updated]  my-app/dev/readme") && deploy.out().contains("[deleted]  my-app/dev/api"),
                deploy.out());
        verifies();
    }

    @Test
    void restoreTakesARunIdItsStartOrATime() {
        JsonNode runs = runs();
        long endOfFirst = runs.get(0).get("to").asLong();
        String first = runs.get(0).get("id").asText();
        Map<String, String> before = snapshot();
        for (String at : List.of(first, first.substring(0, 8), Instant.parse(runs.get(1).get("started").asText())
                .minusMillis(1).toString())) {
            Cli.Result r = ok(state("restore", "--at", at, "--dry-run", "--json"));
            assertEquals(endOfFirst, r.json().get("position").asLong(), at + ": " + r);
            assertEquals(1, r.json().get("added").asInt(), at + ": " + r);
        }
        assertTrue(ok(state("restore", "--at", first.substring(0, 8), "--dry-run")).out().contains(
                "restoring my-app/dev to log position " + endOfFirst + " (the end of run " + first.substring(0, 8) + ")"));
        JsonNode empty = ok(state("restore", "--at", "0", "--dry-run", "--json")).json();
        assertEquals(0, empty.get("position").asLong());
        assertEquals(0, empty.get("added").asInt() + empty.get("changed").asInt());
        assertTrue(empty.get("removed").asInt() >= 4, empty.toString());
        assertEquals(before, snapshot(), "dry runs write nothing");

        Cli.Result r = ok(state("restore", "--at", first.substring(0, 8)));
        assertTrue(r.out().contains("restored my-app/dev to log position " + endOfFirst + " (the end of run "), r.out());
        verifies();
        assertEquals(List.of("api", "child", "child/note", "keep", "readme"), ids());
        assertEquals("restored", types("api").get(types("api").size() - 1));
        assertEquals("alchemy state restore", runs().get(2).get("program").asText());
    }

    @Test
    void restoreRefusesABadPointAndChangesNothing() {
        long head = runs().get(1).get("to").asLong();
        String garbage = refused("restore", "--at", "yesterday");
        assertTrue(garbage.contains("--at yesterday: expected a log position (e.g. 12), an ISO-8601 time (e.g."
                + " 2025-06-01T12:00:00Z) or a run id; no run of my-app/dev has an id starting with yesterday"), garbage);
        assertTrue(garbage.contains("hint: 'alchemy state runs' shows each run's id"), garbage);
        String past = refused("restore", "--at", "99999");
        assertTrue(past.contains("--at 99999: the log holds positions 0 to " + head), past);
        assertTrue(refused("restore", "--at", "1", "--scope", "child").contains("restore works on the whole stage"));
        assertTrue(refused("restore").contains("Missing required option: '--at=POSITION|TIME|RUN'"));
        assertEquals(2, runs().size());
    }

    @Test
    void restoreOnAStageWithoutALogIsAUsageError() {
        dropLog();
        String err = refused("restore", "--at", "0");
        assertTrue(err.contains("error: cannot restore my-app/dev: it has no event log, so no earlier state to restore"),
                err);
        assertTrue(err.contains("hint: the first alchemy-java run that writes to the stage"), err);
    }

    // ------------------------------------------------------------------ the lock

    @Test
    void aLockedStageIsRefusedNamingTheHolder() throws Exception {
        JsonNode records = ok(state("export")).json();
        // A run that holds the stage until released, then throws: a program that throws leaves every record as it
        // is (closing it normally would finalize, deleting what it did not declare). With a lock timeout the lock is
        // taken at open (without one, only at the run's first write).
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            try {
                Alchemy.app("my-app").stage("dev").stateStore(store).lockTimeout(Duration.ofMillis(1)).run(app -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("released");
                });
            } catch (IllegalStateException released) {
                // as planned
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                held.countDown();
            }
        });
        holder.start();
        try {
            assertTrue(held.await(30, TimeUnit.SECONDS));
            assertEquals(null, failure.get());
            Cli.Result who = state("unlock");
            Matcher m = Pattern.compile("lock id ([0-9a-f-]{36})").matcher(who.err());
            assertTrue(m.find(), who.toString());
            for (List<String> args : List.of(List.of("rm", "keep"), List.of("mv", "keep", "kept"),
                    List.of("restore", "--at", "1"))) {
                Cli.Result r = state(args.toArray(String[]::new));
                assertEquals(1, r.code(), args + ": " + r);
                assertTrue(r.err().contains("stage my-app/dev is locked by run ") && r.err().contains(m.group(1)),
                        args + ": " + r.err());
                assertTrue(r.err().contains("hint: wait for that run, or if it is gone: alchemy state unlock"), r.err());
            }
        } finally {
            release.countDown();
            holder.join(30_000);
        }
        assertEquals(null, failure.get());
        assertEquals(records, ok(state("export")).json(), "no record was changed");
        verifies();
        assertTrue(ok(state("rm", "keep")).out().contains("removed my-app/dev/keep"), "once released, it runs");
    }

    /** Every file under {@code root} (and every folder) with its bytes' hash and its time. */
    static Map<String, String> files(Path root) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String key = root.relativize(p).toString();
                out.put(key, Files.isDirectory(p) ? "folder " + Files.getLastModifiedTime(p)
                        : java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))) + " " + Files.getLastModifiedTime(p));
            }
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
