package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state history --patch}: each event's changes; who made it, a run's actor or "outside the log". */
class HistoryPatchTest {
    @TempDir
    Path dir;

    @Test
    void eachEventShowsWhatItChangedAndWhoChangedIt() throws Exception {
        String store = "fs:" + dir.resolve(".alchemy");
        Cli cli = new Cli().env("ALCHEMY_PASSWORD", "pw").env("KEY", "first-secret");
        Path stack = dir.resolve("s.json");
        for (int n = 1; n <= 2; n++) {
            Cli.write(stack, "{\"app\": \"shop\", \"stage\": \"dev\", \"resources\": [{\"id\": \"api\", \"kind\":"
                    + " \"alchemy::Value\", \"props\": {\"n\": " + n + ", \"key\": {\"@secretEnv\": \"KEY\"}}}]}");
            assertEquals(0, cli.run("deploy", "-f", stack.toString(), "--store", store).code());
            cli.env("KEY", "second-secret");
        }
        // a hand edit, found and adopted by the next run
        Path record = dir.resolve(".alchemy/shop/dev/api.json");
        Files.writeString(record, Files.readString(record).replace("\"n\": 2", "\"n\": 3"));
        assertEquals(0, cli.run("deploy", "-f", stack.toString(), "--store", store).code());

        Cli.Result json = cli.run("state", "history", "api", "--patch", "--json", "--store", store, "--app", "shop",
                "--stage", "dev");
        assertEquals(0, json.code(), json.toString());
        List<String> patches = new ArrayList<>();
        String externalBy = null;
        for (JsonNode e : json.json()) {
            StringBuilder line = new StringBuilder(e.get("type").asText() + ":");
            for (JsonNode c : e.get("changes")) {
                line.append(' ').append(c.get("pointer").asText()).append('=').append(c.get("secret").asBoolean() ? "secret"
                        : c.get("before").asText() + ">" + c.get("after").asText());
            }
            patches.add(line.toString());
            if (e.get("type").asText().equals("external-change")) {
                externalBy = e.get("by").asText();
            }
        }
        assertTrue(patches.stream().anyMatch(p -> p.startsWith("updating:") && p.contains("/props/n=1>2")
                && p.contains("/props/key=secret")), "the update's patch: " + patches);
        assertTrue(patches.stream().anyMatch(p -> p.startsWith("external-change:") && p.contains("/props/n=2>3")),
                "the hand edit's patch: " + patches);
        assertEquals("outside the log", externalBy, "a hand edit is credited to outside the log");
        assertTrue(patches.get(0).startsWith("declared: =null><record>"), "the first event adds the record: " + patches);

        Cli.Result text = cli.run("state", "history", "api", "--patch", "--store", store, "--app", "shop", "--stage", "dev");
        assertTrue(text.out().contains("/props/n: 1 → 2"), text.out());
        assertTrue(text.out().contains("/props/key: <secret changed>"), text.out());
        assertTrue(text.out().contains("changed outside the log (found by run "), text.out());
        assertTrue(text.out().contains(", by " + System.getProperty("user.name")), "a run's events name its actor: " + text.out());
        assertFalse(text.out().contains("first-secret") || text.out().contains("second-secret")
                || json.out().contains("first-secret") || json.out().contains("second-secret"), "no secret value");

        Cli.Result revealed = cli.run("state", "history", "api", "--patch", "--reveal", "--store", store, "--app", "shop",
                "--stage", "dev");
        assertEquals(0, revealed.code(), revealed.toString());
        assertTrue(revealed.out().contains("/props/key: \"first-secret\" → \"second-secret\""),
                "with --reveal and the password, the plain values: " + revealed.out());
    }
}
