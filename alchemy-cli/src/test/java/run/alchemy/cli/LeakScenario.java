package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands every store's leak sweep runs (issue #17), on one store, each output swept as it
 * comes: a stack whose value {@code api} holds a secret ({@code @secretEnv}) encrypted with a
 * password, deployed, changed, planned, read back by each read command, its password rotated; then
 * the failure paths — the wrong password, a record whose secret envelope is damaged, a record that is
 * not JSON — each with {@code --verbose}, so the stack trace and its causes are printed and swept
 * too. The secret, the old, new and wrong passwords are all canaries; the store's credential is the
 * test's to add. The two {@code --reveal} reads are the positive control: there the secret must show.
 */
final class LeakScenario {
    /** Runs one command line: in this JVM, or in a JVM of its own (for a store whose credential is in the environment). */
    interface Runner {
        Cli.Result run(Map<String, String> env, String... args);
    }

    /** Writing a record the way damage would, through whatever the store is (a file, an object, the store's own put). */
    interface Damage {
        void put(String id, byte[] bytes);
    }

    static final String APP = "leak";
    static final String STAGE = "dev";

    final LeakSweep sweep;
    final String secret = LeakSweep.fresh("secret");
    /** The secret's next value: a changed secret is planned, diffed and patched, and must show only as changed. */
    private final String nextSecret = LeakSweep.fresh("next-secret");
    private final String plannedSecret = LeakSweep.fresh("planned-secret");
    private String apiKey = secret;
    private String password = LeakSweep.fresh("password");
    private final String newPassword = LeakSweep.fresh("new-password");
    private final String wrongPassword = LeakSweep.fresh("wrong-password");
    private final Runner runner;
    private final String store;
    private final Path dir;
    private final Map<String, String> credentials;
    private int commands;

    /**
     * @param credentials what the runner's environment needs for the store (for a separate JVM), or nothing
     */
    LeakScenario(Runner runner, String store, Path dir, Map<String, String> credentials) {
        this.runner = runner;
        this.store = store;
        this.dir = dir;
        this.credentials = Map.copyOf(credentials);
        this.sweep = new LeakSweep().watch("secret", secret).watch("next secret", nextSecret)
                .watch("planned secret", plannedSecret).watch("password", password)
                .watch("new password", newPassword).watch("wrong password", wrongPassword);
    }

    /** The commands run so far. */
    int commands() {
        return commands;
    }

    private Map<String, String> env(String pw) {
        Map<String, String> env = new HashMap<>(credentials);
        env.put("ALCHEMY_PASSWORD", pw);
        env.put("API_KEY", apiKey);
        env.put("NEW_PW", newPassword);
        return env;
    }

    /** Runs a command with the current password; sweeps both streams; checks the exit code when {@code code >= 0}. */
    Cli.Result run(int code, String... args) {
        return runWith(password, code, args);
    }

    private Cli.Result runWith(String pw, int code, String... args) {
        Cli.Result r = runner.run(env(pw), args);
        commands++;
        sweep.result(String.join(" ", args), r);
        if (code >= 0) {
            assertEquals(code, r.code(), String.join(" ", args) + " — " + r.code() + ", stderr: " + r.err().lines().limit(3).toList());
        }
        return r;
    }

    /** A failure path with the current password: must fail (exit 1 or 2) and say why on stderr. */
    Cli.Result fails(String... args) {
        return failsWith(password, args);
    }

    /** A failure path with password {@code pw}. */
    Cli.Result failsWith(String pw, String... args) {
        Cli.Result r = runWith(pw, -1, args);
        assertNotEquals(0, r.code(), String.join(" ", args) + " should fail");
        assertTrue(r.err().contains("error:"), String.join(" ", args) + " says why");
        return r;
    }

    /** A {@code --reveal} read, the positive control: the secret must be on stdout (which is not swept), never on stderr. */
    private Cli.Result reveals(String pw, String... args) {
        Cli.Result r = runner.run(env(pw), args);
        commands++;
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.out().contains(apiKey), "--reveal shows the secret: the canary does reach the output it may");
        sweep.text(String.join(" ", args) + ": stderr", r.err());
        return r;
    }

    /** {@code args} on the scenario's store and stage. */
    String[] target(String... args) {
        return on(store, args);
    }

    /** {@code args} on the stage in another store (the same one through a faulty server, or bad credentials). */
    static String[] on(String storeUri, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", storeUri, "--app", APP, "--stage", STAGE));
        return all.toArray(String[]::new);
    }

    /** The stack at version {@code n}: config's replicas change, api keeps its secret, the scope child holds note. */
    String stack(int n) {
        Path p = dir.resolve("stack-" + n + ".json");
        Cli.write(p, "{\"app\": \"" + APP + "\", \"stage\": \"" + STAGE + "\", \"resources\": ["
                + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": " + n + "}},"
                + "{\"id\": \"api\", \"kind\": \"alchemy::Value\", \"props\": {\"url\": \"https://x\","
                + " \"key\": {\"@secretEnv\": \"API_KEY\"}}}],"
                + " \"scopes\": [{\"name\": \"child\", \"resources\": [{\"id\": \"note\", \"kind\": \"alchemy::Value\","
                + " \"props\": {\"x\": true}}]}]}");
        return p.toString();
    }

    /** Deploys, redeploys changed, plans, reads with every read command, exports and rotates the password. */
    void core() {
        run(0, "deploy", "-f", stack(1), "--store", store);
        apiKey = nextSecret;
        run(0, "deploy", "-f", stack(2), "--store", store, "--message", "roll 2", "--json");
        apiKey = plannedSecret;
        run(0, "deploy", "-f", stack(3), "--store", store, "--plan", "--json");
        run(0, "deploy", "-f", stack(3), "--store", store, "--plan");
        apiKey = nextSecret;
        run(0, target("state", "list", "--json"));
        Cli.Result show = run(0, target("state", "show", "api", "--json"));
        assertTrue(show.out().contains(Secrets.MASKED), show.out());
        reveals(password, target("state", "show", "api", "--reveal", "--json"));
        run(0, target("state", "history", "api", "--patch"));
        // before the rotation: the history's older snapshots stay under the password they were written with
        reveals(password, target("state", "history", "api", "--patch", "--reveal"));
        JsonNode runs = run(0, target("state", "runs", "--json")).json();
        assertEquals(2, runs.size(), "two deploys wrote");
        run(0, target("state", "diff", runs.get(1).get("id").asText()));
        run(0, target("state", "verify"));
        Cli.Result export = run(0, target("state", "export"));
        Cli.write(dir.resolve("export.json"), export.out());
        run(0, target("state", "rotate-password", "--new-password-env", "NEW_PW"));
        password = newPassword;
        reveals(password, target("state", "show", "api", "--reveal", "--json"));
    }

    /** The state tools beyond reading, for the stores a command runs on in this JVM (each costs milliseconds there). */
    void repairs() {
        run(0, target("state", "history", "api", "--json"));
        failsWith(wrongPassword, target("state", "history", "api", "--patch", "--reveal", "--verbose"));
        run(0, target("state", "rotate-password", "--new-password-env", "NEW_PW", "--dry-run", "--json"));
        run(0, target("state", "replay", "--at", "1"));
        run(0, target("state", "timeline", "--out", dir.resolve("timeline.html").toString()));
        run(0, "state", "apps", "--store", store, "--json");
        run(0, "state", "stages", "--store", store);
        run(0, target("state", "mv", "config", "config2"));
        run(0, target("state", "mv", "config2", "config"));
        run(0, target("state", "rm", "note", "--scope", "child"));
        JsonNode runs = run(0, target("state", "runs", "--json")).json();
        // back to just after the rotation: note returns, every secret still under the current password
        run(0, target("state", "restore", "--at", runs.get(2).get("id").asText()));
        run(0, target("state", "rebuild"));
        run(-1, target("state", "unlock"));
        run(0, "state", "import", dir.resolve("export.json").toString(), "--store", store, "--app", APP, "--stage", "copy");
        // an export with the secrets revealed is refused, not imported with them in plain text; the file holds the
        // secret, so it lives only as long as the import (the sweep of the folder comes after)
        Path revealed = dir.resolve("revealed.json");
        Cli.write(revealed, reveals(password, target("state", "export", "--reveal")).out());
        Cli.Result refused = run(2, "state", "import", revealed.toString(), "--store", store, "--app", APP, "--stage", "plain");
        assertTrue(refused.err().contains("exported with --reveal"), refused.err());
        try {
            java.nio.file.Files.delete(revealed);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        run(0, "completion");
        run(0, "help", "state");
        run(0, "deploy", "--help");
    }

    /** The wrong password, a damaged secret envelope, a record that is not JSON: each must fail, and say so without the secret. */
    void failures(Damage damage) {
        failsWith(wrongPassword, "deploy", "-f", stack(4), "--store", store, "--verbose");
        failsWith(wrongPassword, target("state", "show", "api", "--reveal", "--verbose"));
        failsWith(wrongPassword, target("state", "rotate-password", "--new-password-env", "NEW_PW", "--verbose"));
        failsWith(wrongPassword, target("state", "export", "--reveal", "--verbose"));

        Cli.Result kept = run(0, target("state", "show", "api", "--json"));
        String record = Json.compact(kept.json()).replace("\"" + Secrets.MASKED + "\"", "{\"@secret\":\"not-a-ciphertext\"}");
        damage.put("api", record.getBytes(StandardCharsets.UTF_8));
        fails(target("state", "show", "api", "--reveal", "--verbose"));
        run(-1, target("state", "verify", "--verbose"));

        damage.put("api", "{\"props\": {\"key\": {\"@secret\": \"trunc".getBytes(StandardCharsets.UTF_8));
        fails(target("state", "show", "api", "--verbose"));
        fails(target("state", "export", "--verbose"));
        run(-1, "deploy", "-f", stack(5), "--store", store, "--verbose");
    }

    /**
     * The failure paths at their cheapest, for a store the command reaches in a JVM of its own: the
     * wrong password on a deploy and on a reveal, a damaged envelope, a record that is not JSON.
     */
    void someFailures(Damage damage) {
        failsWith(wrongPassword, "deploy", "-f", stack(4), "--store", store, "--verbose");
        failsWith(wrongPassword, target("state", "show", "api", "--reveal", "--verbose"));
        damage.put("api", ("{\"props\": {\"url\": \"https://x\", \"key\": {\"@secret\": \"not-a-ciphertext\"}}}")
                .getBytes(StandardCharsets.UTF_8));
        fails(target("state", "show", "api", "--reveal", "--verbose"));
        // JSON, as every store takes it, but not a record
        damage.put("api", "[\"not\", \"a\", \"record\"]".getBytes(StandardCharsets.UTF_8));
        run(-1, target("state", "show", "api", "--verbose"));
    }

    /**
     * Sweeps what {@code store} holds of the app through its own reads: every record of every stage and
     * scope, and each stage's event log (its records and controls: leases, checkpoints, the index).
     */
    static void dump(StateStore store, LeakSweep sweep) {
        List<String> app = List.of(APP); // not every store lists its apps (the Durable Object store does not)
        // a stage shows as a scope where the store lists one (the Durable Object store lists none at the app
        // level), and as a stage with a log
        java.util.Set<String> stages = new java.util.TreeSet<>(store.listScopes(app));
        stages.addAll(store.eventLogStages(APP));
        for (String id : store.list(app)) {
            store.get(app, id).ifPresent(b -> sweep.bytes(store.locate(app, id), b));
        }
        for (String stage : stages) {
            dumpScope(store, List.of(APP, stage), sweep);
            store.logStore(APP, stage).ifPresent(log -> {
                try (log) {
                    dumpLog(log, sweep);
                }
            });
        }
        assertFalse(stages.isEmpty(), "the store's own reads found the stages");
    }

    private static void dumpScope(StateStore store, List<String> chain, LeakSweep sweep) {
        for (String id : store.list(chain)) {
            store.get(chain, id).ifPresent(b -> sweep.bytes(store.locate(chain, id), b));
        }
        for (String scope : store.listScopes(chain)) {
            List<String> child = new ArrayList<>(chain);
            child.add(scope);
            dumpScope(store, child, sweep);
        }
    }

    private static void dumpLog(LogStore log, LeakSweep sweep) {
        log.read(0, (position, bytes) -> {
            sweep.bytes(log.describe() + " record " + position, bytes);
            return true;
        });
        for (String name : log.controls("")) {
            log.control(name).ifPresent(c -> sweep.bytes(log.describe() + " control " + name, c.bytes()));
        }
        sweep.value("LogStore", log);
    }
}
