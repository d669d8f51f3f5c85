package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code deploy --plan}: what a deploy would do, and not a byte written. */
class DeployPlanTest {
    @TempDir
    Path dir;
    String store;
    Cli cli;

    @BeforeEach
    void setUp() {
        store = "fs:" + dir.resolve(".alchemy");
        cli = new Cli().env("ALCHEMY_PASSWORD", "pw-1").env("API_KEY", "key-1");
    }

    /** A file "readme" with {@code content}, a value "api" with a secret, and "extra" when asked. */
    private Path stack(String content, boolean extra) {
        ObjectNode s = Json.object();
        s.put("app", "my-app");
        s.put("stage", "dev");
        ArrayNode r = s.putArray("resources");
        ObjectNode readme = r.addObject();
        readme.put("id", "readme");
        readme.put("kind", "fs::File");
        readme.putObject("props").put("path", dir.resolve("site/README.md").toString()).put("content", content);
        ObjectNode api = r.addObject();
        api.put("id", "api");
        api.put("kind", "alchemy::Value");
        api.putObject("props").put("url", "https://x").putObject("key").put("@secretEnv", "API_KEY");
        if (extra) {
            ObjectNode e = r.addObject();
            e.put("id", "extra");
            e.put("kind", "alchemy::Value");
            e.putObject("props").put("n", 1);
        }
        Path p = dir.resolve("stack-" + content + extra + ".json");
        Cli.write(p, Json.pretty(s));
        return p;
    }

    private Cli.Result run(Cli c, Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("deploy", "--file", file.toString(), "--store", store));
        args.addAll(List.of(more));
        return c.run(args.toArray(String[]::new));
    }

    /** Every file under the temporary folder (state and the deployed site) with its bytes. */
    private Map<String, String> everything() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("stack-")).toList()) {
                out.put(dir.relativize(p).toString(), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, String> actions(JsonNode plan) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode r : plan.get("resources")) {
            out.put(r.get("id").asText(), r.get("action").asText() + " " + r.get("changes"));
        }
        return out;
    }

    @Test
    void aPlanSaysWhatADeployWouldDoAndWritesNothing() {
        assertEquals(0, run(cli, stack("v1", true)).code());
        Map<String, String> before = everything();

        Cli.Result planned = run(cli.env("API_KEY", "key-2"), stack("v2", false), "--plan", "--json");
        assertEquals(0, planned.code(), planned.toString());
        JsonNode json = planned.json();
        assertEquals(List.of(0, 2, 1, 0), List.of(json.get("create").asInt(), json.get("update").asInt(),
                json.get("delete").asInt(), json.get("skip").asInt()), json.toString());
        assertEquals(Map.of("readme", "update [\"/props/content\"]", "api", "update [\"/props/key\"]",
                "extra", "delete []"), actions(json));
        assertEquals("my-app/dev", json.at("/resources/0/scope").asText());
        assertEquals(before, everything(), "no byte of the store or of the site changed");

        Cli.Result text = run(cli.env("API_KEY", "key-2"), stack("v2", false), "--plan");
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("~ update  my-app/dev/readme (fs::File)"), text.out());
        assertTrue(text.out().contains("/props/content: \"v1\" → \"v2\""), text.out());
        assertTrue(text.out().contains("/props/key: <secret changed>"), text.out());
        assertTrue(text.out().contains("- delete  my-app/dev/extra (alchemy::Value)"), text.out());
        assertTrue(text.out().contains("plan for my-app/dev in " + store + ": 0 to create, 2 to update, 1 to delete, 0 unchanged"),
                text.out());
        assertFalse(text.out().contains("key-1") || text.out().contains("key-2"), "no secret is shown: " + text.out());
        assertEquals(before, everything());
    }

    @Test
    void anUnchangedSecretIsNoChangeAndTheDetailedExitCodeSaysWhetherAnythingWould() {
        Path v1 = stack("v1", true);
        Cli.Result empty = run(cli, v1, "--plan", "--detailed-exitcode", "--json");
        assertEquals(2, empty.code(), "everything to create: " + empty);
        assertEquals(3, empty.json().get("create").asInt());
        assertEquals(Map.of(), everything(), "a plan of a new stage makes no file");

        assertEquals(0, run(cli, v1).code());
        Cli.Result same = run(cli, v1, "--plan", "--detailed-exitcode");
        assertEquals(0, same.code(), same.toString());
        assertTrue(same.out().contains("0 to create, 0 to update, 0 to delete, 3 unchanged (nothing to do)"), same.out());
    }

    @Test
    void planOptionsAreCheckedAsUsage() {
        Path v1 = stack("v1", false);
        Cli.Result destroy = run(cli, v1, "--plan", "--phase", "destroy");
        assertEquals(2, destroy.code(), destroy.toString());
        assertTrue(destroy.err().contains("--plan is of a deploy"), destroy.err());
        Cli.Result alone = run(cli, v1, "--detailed-exitcode");
        assertEquals(2, alone.code(), alone.toString());
        assertTrue(alone.err().contains("--detailed-exitcode is an option of --plan"), alone.err());
    }
}
