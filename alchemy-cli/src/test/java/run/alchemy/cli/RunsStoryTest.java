package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state runs} tells each run's message and commit, why it failed, and what it touched. */
class RunsStoryTest {
    @TempDir
    Path dir;

    /** The commit git says the working directory is on, or null outside a checkout (or without git). */
    private static String gitHead() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void runsShowMessageCommitFailureAndTheResourcesTouched() throws Exception {
        String store = "fs:" + dir.resolve(".alchemy");
        Cli cli = new Cli();
        Path ok = dir.resolve("ok.json");
        Cli.write(ok, "{\"app\": \"shop\", \"stage\": \"dev\", \"resources\": ["
                + "{\"id\": \"cfg\", \"kind\": \"alchemy::Value\", \"props\": {\"n\": 1}}]}");
        Cli.Result first = cli.run("deploy", "-f", ok.toString(), "--store", store, "--message", "first roll-out");
        assertEquals(0, first.code(), first.toString());

        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        Path bad = dir.resolve("bad.json");
        Cli.write(bad, "{\"app\": \"shop\", \"stage\": \"dev\", \"resources\": ["
                + "{\"id\": \"cfg\", \"kind\": \"alchemy::Value\", \"props\": {\"n\": 2}},"
                + "{\"id\": \"file\", \"kind\": \"fs::File\", \"props\": {\"path\": \"" + folder + "\", \"content\": \"x\"}}]}");
        Cli.Result failed = cli.run("deploy", "-f", bad.toString(), "--store", store);
        assertEquals(1, failed.code(), failed.toString());

        Cli.Result runs = cli.run("state", "runs", "--store", store, "--app", "shop", "--stage", "dev", "--json");
        JsonNode list = runs.json();
        assertEquals(2, list.size(), runs.out());
        JsonNode one = list.get(0);
        assertEquals("first roll-out", one.get("message").asText());
        String head = gitHead();
        if (head == null) {
            assertTrue(one.get("commit").isNull(), "outside a git checkout there is no commit: " + one);
        } else {
            assertEquals(head, one.get("commit").asText(), "the commit of the working directory");
        }
        assertTrue(one.get("failure").isNull());
        assertEquals("[\"shop/dev/cfg\"]", one.get("resources").toString(), "the records the run wrote");

        JsonNode two = list.get(1);
        assertEquals("failed", two.get("outcome").asText());
        assertEquals(1, two.at("/counts/failed").asInt(), two.toString());
        assertTrue(two.get("failure").asText().contains("shop/dev/file"), "why it failed: " + two);
        assertTrue(two.get("resources").toString().contains("shop/dev/file"), two.toString());
        assertTrue(two.get("message").isNull());

        Cli.Result text = cli.run("state", "runs", "--store", store, "--app", "shop", "--stage", "dev");
        assertTrue(text.out().contains("first roll-out"), text.out());
        assertTrue(text.out().contains("failed: ") && text.out().contains("shop/dev/file"), text.out());
        assertTrue(Cli.lines(text.out()).get(0).contains("FAILED") && Cli.lines(text.out()).get(0).contains("TOOK"),
                text.out());
    }
}
