package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.store.durable.LocalWorker;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command on the Durable Object store, as {@code ./alchemy} runs it: a separate JVM on the
 * launcher's own module path (target/classpath.txt; the store is found by ServiceLoader from
 * {@code --store do+http://127.0.0.1:PORT}), the token in {@code ALCHEMY_STATE_TOKEN}, against our
 * worker and Alchemy's, each in real workerd on 127.0.0.1.
 */
class DoStoreCommandTest {
    @RegisterExtension
    static final LocalWorker ours = LocalWorker.ours();
    @RegisterExtension
    static final LocalWorker alchemys = LocalWorker.alchemys();

    @TempDir
    Path dir;

    private Path stack() {
        Path stack = dir.resolve("stack.json");
        Cli.write(stack, "{\"app\": \"web\", \"stage\": \"prod\", \"resources\": ["
                + "{\"id\": \"config\", \"kind\": \"alchemy::Value\", \"props\": {\"replicas\": 3}},"
                + "{\"id\": \"api/key\", \"kind\": \"alchemy::Value\", \"props\": {\"key\": {\"@secretEnv\": \"API_KEY\"}}}]}");
        return stack;
    }

    private static String store(LocalWorker worker) {
        return "do+http://" + worker.url().substring("http://".length());
    }

    @Test
    void deployToOurWorkerThenReadItsStateAndHistory() throws Exception {
        String store = store(ours);
        Path stack = stack();
        Run first = alchemy(ours, "deploy", "-f", stack.toString(), "--store", store);
        assertTrue(first.all().contains("[created]  web/prod/config"), first.all());
        assertFalse(first.all().contains("note:"), "our worker keeps history: " + first.all());
        Run again = alchemy(ours, "deploy", "-f", stack.toString(), "--store", store);
        assertTrue(again.all().contains("[skipped]  web/prod/config") && again.all().contains("[skipped]  web/prod/api/key"),
                again.all());

        Run list = alchemy(ours, "state", "list", "--store", store, "--app", "web", "--stage", "prod");
        assertTrue(list.all().contains("api/key") && list.all().contains("config"), list.all());
        Run runs = alchemy(ours, "state", "runs", "--store", store, "--app", "web", "--stage", "prod", "--json");
        JsonNode rows = Json.MAPPER.readTree(runs.stdout());
        assertEquals(1, rows.size(), "one run wrote (the no-op redeploy appended none): " + runs.all());
        assertEquals("succeeded", rows.get(0).path("outcome").asText(), runs.all());
        Run verify = alchemy(ours, "state", "verify", "--store", store, "--app", "web", "--stage", "prod");
        assertTrue(verify.all().contains("web/prod"), verify.all());
        for (Run r : List.of(first, again, list, runs, verify)) {
            assertFalse(r.all().contains("k-123"), "the secret never shows");
            assertFalse(r.all().contains(ours.token()), "the token never shows");
        }
    }

    @Test
    void onAlchemysWorkerTheCommandSaysOnceThatHistoryAndLockingAreOff() {
        String store = store(alchemys);
        Path stack = stack();
        Run first = alchemy(alchemys, "deploy", "-f", stack.toString(), "--store", store);
        assertTrue(first.all().contains("[created]  web/prod/config"), first.all());
        assertEquals(1, first.all().split("history and locking are off", -1).length - 1, first.all());
        assertTrue(first.all().contains("note:") && first.all().contains(alchemys.url()), first.all());
        Run again = alchemy(alchemys, "deploy", "-f", stack.toString(), "--store", store);
        assertTrue(again.all().contains("[skipped]  web/prod/config"), "snapshots alone still skip: " + again.all());
        assertFalse(first.all().contains(alchemys.token()) || again.all().contains(alchemys.token()), "the token never shows");
    }

    /** Stdout and stderr apart: state commands print JSON on stdout and notes on stderr. */
    private record Run(String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    /** {@code ./alchemy ARGS} with the launcher's module path, the worker's token in ALCHEMY_STATE_TOKEN; exit 0. */
    private static Run alchemy(LocalWorker worker, String... args) {
        String mp = String.join(File.pathSeparator, ModulePathTest.modulePath().stream().map(Path::toString).toList());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", mp, "-m", "run.alchemy.cli/run.alchemy.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"));
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("ALCHEMY_STATE_TOKEN", worker.token());
        pb.environment().put("ALCHEMY_PASSWORD", "pw");
        pb.environment().put("API_KEY", "k-123");
        try {
            Path err = Files.createTempFile("alchemy-err", ".txt");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            Run run = new Run(out, Files.readString(err));
            Files.delete(err);
            assertEquals(0, p.exitValue(), String.join(" ", args) + "\n" + run.all());
            return run;
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
